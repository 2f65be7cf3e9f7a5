"""Stripe connector (stripeGC) actions, implemented generically from the vendored catalog."""

from orgsim.connector.catalog import Action, catalog, shape
from orgsim.connector.client import ConnectorFault, StripeCaller, StripeConfig

__all__ = ["Action", "ConnectorFault", "StripeCaller", "StripeConfig", "catalog", "shape"]
