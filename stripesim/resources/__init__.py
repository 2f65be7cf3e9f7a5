"""Behaviour layer: one module per Stripe resource, each registering its endpoints."""

from stripesim.resources import (  # noqa: F401  (importing registers the endpoints)
    customers,
    events,
    invoiceitems,
    invoices,
    test_clocks,
    webhook_endpoints,
)
from stripesim.resources.registry import ENDPOINTS, Endpoint  # noqa: F401

__all__ = [
    "ENDPOINTS",
    "Endpoint",
    "customers",
    "events",
    "invoiceitems",
    "invoices",
    "test_clocks",
    "webhook_endpoints",
]
