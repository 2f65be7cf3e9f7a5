"""The connector catalog as the emulator uses it (read by sfmeta.connector), and the shaping
of Stripe's JSON into the connector's v02 models."""

from __future__ import annotations

from typing import Any

from sfmeta import connector
from sfmeta.connector import Action, ConnectorCatalog
from sfpay.paths import CONNECTOR_CATALOG_PATH

__all__ = ["PRIMITIVES", "Action", "ConnectorCatalog", "catalog", "shape"]

PRIMITIVES = {"String", "Integer", "Boolean", "Double", "Long", "Decimal", "List<String>", "List<Integer>"}


def catalog(namespace: str | None = None) -> ConnectorCatalog:
    """The vendored catalog with its actions in `namespace` (the spec's stripe.namespace; None:
    the catalog's own)."""
    return connector.load(CONNECTOR_CATALOG_PATH, namespace)


def shape(value: Any, type_name: str | None, models: ConnectorCatalog) -> Any:
    """Stripe JSON -> the v02 model shape (camelCase names, `r_` for Apex reserved words)."""
    if value is None or type_name is None:
        return value if type_name is None else None
    if type_name.startswith("List<") and type_name.endswith(">"):
        inner = type_name[5:-1]
        items = value.get("data", []) if isinstance(value, dict) and value.get("object") == "list" else value
        return [shape(v, inner, models) for v in items] if isinstance(items, list) else None
    fields = models.model(type_name)
    if fields is None:
        return value
    if not isinstance(value, dict):
        # An expandable field holding an id (e.g. "customer": "cus_...") for a model-typed field.
        return value
    return {f["name"]: shape(value.get(f["stripe_name"]), f["type"], models) for f in fields}
