"""Stripe connector (stripeGC) actions, implemented generically from the vendored catalog."""

from orgsim.connector.catalog import Action, get_action, shape
from orgsim.connector.client import ConnectorFault, StripeCaller, StripeConfig

__all__ = ["Action", "ConnectorFault", "StripeCaller", "StripeConfig", "get_action", "shape"]
