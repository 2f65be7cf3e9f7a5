"""The Stripe connector's invocable actions and models, from the vendored catalog
(vendor/stripe-connector-catalog.json, extracted from stripe/stripe-salesforce-ai-context, MIT).

The catalog lists actions under the names of the package it was read from (`stripeGC__v02_...`).
The namespace an org's connector is installed under is the caller's to say (the spec's
`stripe.namespace`); action names are matched in that namespace. Without one, the catalog's
own prefix applies (read from its action names).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from sfmeta.connector_package import ConnectorPackage


class CatalogError(Exception):
    """The catalog is missing or not the shape we expect (an installation problem)."""


class Param(NamedTuple):
    name: str
    stripe_name: str | None  # the Stripe API parameter it fills (None: a connector-only input)
    type: str
    required: bool


class Action(NamedTuple):
    name: str  # <namespace>__v02_CreateInvoices
    method: str  # POST
    path: str  # /v1/invoices/{invoice}/finalize
    params: dict[str, Param]  # flow input name -> Param (common params, then the action's own)
    returns: str | None  # model name, e.g. v02_Invoice

    def param(self, name: str) -> Param | None:
        """The input called `name`; Apex names are case-insensitive."""
        found = self.params.get(name)
        if found is None:
            found = next((p for key, p in self.params.items() if key.lower() == name.lower()), None)
        return found


class ConnectorCatalog:
    def __init__(self, raw: Mapping[str, Any], namespace: str | None = None) -> None:
        """`raw`: the catalog as `read_raw` returns it, or as `sfmeta.connector_index.read_index`
        does (its actions and models decoded when looked up: only names are read here)."""
        self._raw = raw
        prefixes = {name.split("__", 1)[0] for name in raw["actions"] if "__" in name}
        if len(prefixes) != 1:
            raise CatalogError(f"the connector catalog's actions are not in one namespace: {sorted(prefixes)}")
        self.vendored_namespace = prefixes.pop()
        self.namespace = namespace or self.vendored_namespace
        # lower-case name without namespace -> (name without namespace, name in the catalog)
        self._actions = {name.split("__", 1)[1].lower(): (name.split("__", 1)[1], name) for name in raw["actions"]}
        # lower-case model name -> name in the catalog
        self._models = {name.lower(): name for name in raw["models"]}
        # Built once per name: a flow's rules look the same actions and models up many times.
        self._action_memo: dict[str, Action | None] = {}
        self._model_fields_memo: dict[str, dict[str, tuple[str, str]] | None] = {}

    @property
    def package(self) -> ConnectorPackage:
        """The package's objects and fields (sfmeta/connector_package.py) in this namespace."""
        return ConnectorPackage(self.namespace)

    def _strip(self, name: str) -> str:
        prefix = self.namespace.lower() + "__"
        return name[len(prefix) :] if name.lower().startswith(prefix) else name

    def owns(self, action_name: str) -> bool:
        """Whether an action name is in the connector's namespace (so the catalog must know it)."""
        return action_name.lower().startswith(self.namespace.lower() + "__")

    def action(self, action_name: str) -> Action | None:
        """The action called `action_name` (with or without the namespace prefix, any case).
        Shared between callers: not to be modified."""
        try:
            return self._action_memo[action_name]
        except KeyError:
            found = self._action_memo[action_name] = self._build_action(action_name)
            return found

    def _build_action(self, action_name: str) -> Action | None:
        found = self._actions.get(self._strip(action_name).lower())
        if found is None:
            return None
        bare, catalog_name = found
        body = self._raw["actions"][catalog_name]
        params = {
            c["name"]: Param(c["name"], None, c["type"], bool(c.get("required"))) for c in self._raw["common_params"]
        }
        for p in body["params"]:
            params[p["name"]] = Param(p["name"], p.get("stripe_name") or p["name"], p["type"], bool(p.get("required")))
        return Action(
            f"{self.namespace}__{bare}",
            str(body.get("method", "")).upper(),
            body.get("path", ""),
            params,
            body.get("returns"),
        )

    def model(self, name: str) -> list[dict[str, Any]] | None:
        """A model's fields ({name, stripe_name, type}) in catalog order, or None if unknown."""
        catalog_name = self._models.get(self._strip(name).lower())
        return None if catalog_name is None else self._raw["models"][catalog_name]

    def model_field(self, model_name: str, field: str) -> dict[str, Any] | None:
        fields = self.model(model_name) or []
        exact = next((f for f in fields if f["name"] == field), None)
        return exact or next((f for f in fields if f["name"].lower() == field.lower()), None)

    def model_fields(self, model_name: str) -> dict[str, tuple[str, str]] | None:
        """Field name (lower-case) -> (declared name, type) for a model, or None if unknown.
        Shared between callers: not to be modified."""
        try:
            return self._model_fields_memo[model_name]
        except KeyError:
            pass
        fields = self.model(model_name)
        table = None if fields is None else {f["name"].lower(): (f["name"], f["type"]) for f in fields}
        self._model_fields_memo[model_name] = table
        return table

    def similar_actions(self, action_name: str, limit: int = 3) -> list[str]:
        import difflib  # only for a "did you mean" message: not every run's start-up

        names = [f"{self.namespace}__{bare}" for bare, _ in self._actions.values()]
        return difflib.get_close_matches(action_name, names, n=limit, cutoff=0.7)


def read_raw(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"cannot read the connector catalog {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise CatalogError(f"cannot read the connector catalog {path}: {exc}") from exc
    if not isinstance(data, dict) or not {"actions", "models", "common_params"} <= set(data):
        raise CatalogError(f"cannot read the connector catalog {path}: not a catalog (actions, models, common_params)")
    return data


@lru_cache(maxsize=4)
def load(path: Path, namespace: str | None = None) -> ConnectorCatalog:
    """The catalog at `path` in `namespace`, read once per process."""
    return ConnectorCatalog(read_raw(path), namespace)
