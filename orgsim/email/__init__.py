"""Email alerts and templates of the emulated org."""

from orgsim.email.alerts import Alert, parse_alert, queue_alert, send_pending_smtp
from orgsim.email.templates import EmailTemplate, parse_template

__all__ = ["Alert", "EmailTemplate", "parse_alert", "parse_template", "queue_alert", "send_pending_smtp"]
