"""The stripeGC v02 invocable actions and models, read from the vendored catalog
(vendor/stripe-connector-catalog.json, extracted from stripe/stripe-salesforce-ai-context, MIT)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from sfpay.paths import CONNECTOR_CATALOG_PATH

PRIMITIVES = {"String", "Integer", "Boolean", "Double", "Long", "Decimal", "List<String>", "List<Integer>"}
NAMESPACE = "stripeGC__"


@dataclass(frozen=True)
class Param:
    name: str
    stripe_name: str | None
    type: str
    required: bool


@dataclass(frozen=True)
class Action:
    name: str             # stripeGC__v02_CreateInvoices
    method: str
    path: str             # /v1/invoices/{invoice}/finalize
    params: dict          # flow input name -> Param (action params + common params)
    returns: str          # model name

    def param(self, name: str) -> Param | None:
        found = self.params.get(name)
        if found is None:
            lowered = {k.lower(): v for k, v in self.params.items()}
            found = lowered.get(name.lower())
        return found


@lru_cache(maxsize=1)
def _catalog() -> dict:
    return json.loads(CONNECTOR_CATALOG_PATH.read_text(encoding="utf-8"))


def get_action(name: str) -> Action | None:
    data = _catalog()
    raw = data["actions"].get(name) or data["actions"].get(NAMESPACE + name)
    if raw is None:
        return None
    params = {c["name"]: Param(c["name"], None, c["type"], bool(c.get("required"))) for c in data["common_params"]}
    for p in raw["params"]:
        params[p["name"]] = Param(p["name"], p.get("stripe_name") or p["name"], p["type"], bool(p.get("required")))
    full = name if name.startswith(NAMESPACE) else NAMESPACE + name
    return Action(full, raw["method"].upper(), raw["path"], params, raw["returns"])


def model(name: str) -> list[dict] | None:
    return _catalog()["models"].get(name)


def model_field(model_name: str, field: str) -> dict | None:
    for f in model(model_name) or []:
        if f["name"] == field:
            return f
    for f in model(model_name) or []:
        if f["name"].lower() == field.lower():
            return f
    return None


def shape(value, type_name: str):
    """Stripe JSON -> the v02 model shape (camelCase names, `r_` for Apex reserved words)."""
    if value is None:
        return None
    if type_name.startswith("List<") and type_name.endswith(">"):
        inner = type_name[5:-1]
        items = value.get("data", []) if isinstance(value, dict) and value.get("object") == "list" else value
        return [shape(v, inner) for v in items] if isinstance(items, list) else None
    fields = model(type_name)
    if fields is None:
        return value
    if not isinstance(value, dict):
        # An expandable field holding an id (e.g. "customer": "cus_...") for a model-typed field.
        return value
    return {f["name"]: shape(value.get(f["stripe_name"]), f["type"]) for f in fields}
