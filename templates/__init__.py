"""Jinja2 templates of the generated metadata, installed as the package `sfpay.templates`
(setup.py maps this folder there) so the generator finds them with importlib.resources."""
