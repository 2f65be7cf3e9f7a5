"""Files `sfpay init` writes into a new client project (Jinja2 templates, see sfpay/init_command.py)."""
