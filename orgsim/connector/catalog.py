"""The connector catalog as the emulator uses it (read by sfmeta.connector), and the shaping
of Stripe's JSON into the connector's v02 models."""

from __future__ import annotations

import weakref
from collections.abc import Callable
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
    if type_name is None:
        return value
    return _shapers(models).get(type_name)(value)


Shaper = Callable[[Any], Any]


class _Shapers:
    """One shaping function per type name, built once per catalog from its model (a callout's
    answer is shaped field by field; looking each model up by name per field cost more than
    the shaping itself)."""

    def __init__(self, models: ConnectorCatalog):
        self.models = models
        self._built: dict[str, Shaper] = {}

    def get(self, type_name: str) -> Shaper:
        found = self._built.get(type_name)
        if found is None:
            found = self._built[type_name] = self._build(type_name)
        return found

    def _build(self, type_name: str) -> Shaper:
        get = self.get
        if type_name.startswith("List<") and type_name.endswith(">"):
            inner = type_name[5:-1]

            def shape_list(value: Any) -> Any:
                if value is None:
                    return None
                items = value.get("data", []) if isinstance(value, dict) and value.get("object") == "list" else value
                if not isinstance(items, list):
                    return None
                each = get(inner)
                return [each(v) for v in items]

            return shape_list
        fields = self.models.model(type_name)
        if fields is None:
            return _as_is
        # A field whose type is neither a model nor a list is copied as it is: no shaper call.
        plan = [(f["name"], f["stripe_name"], None if self._as_is(f["type"]) else f["type"]) for f in fields]

        def shape_model(value: Any) -> Any:
            # An expandable field holding an id (e.g. "customer": "cus_...") stays as it is.
            if not isinstance(value, dict):
                return value
            # One comprehension (a v02 model has dozens of fields, most copied as they are; a
            # callout's answer is shaped once per field of every nested model): same keys,
            # same order as the plan.
            read = value.get
            return {
                name: item if (item := read(stripe_name)) is None or field_type is None else get(field_type)(item)
                for name, stripe_name, field_type in plan
            }

        return shape_model

    def _as_is(self, type_name: str | None) -> bool:
        if type_name is None:
            return True
        is_list = type_name.startswith("List<") and type_name.endswith(">")
        return not is_list and self.models.model(type_name) is None


def _as_is(value: Any) -> Any:
    return value


_BY_CATALOG: weakref.WeakKeyDictionary[ConnectorCatalog, _Shapers] = weakref.WeakKeyDictionary()


def _shapers(models: ConnectorCatalog) -> _Shapers:
    found = _BY_CATALOG.get(models)
    if found is None:
        found = _BY_CATALOG[models] = _Shapers(models)
    return found
