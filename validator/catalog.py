"""The Stripe connector's invocable actions and models, from the vendored catalog."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class ActionParam:
    name: str
    required: bool
    type: str


@dataclass(frozen=True)
class Action:
    name: str  # stripeGC__v02_CreateInvoices
    params: dict[str, ActionParam]  # by lower-case name, the action's own plus the common ones
    returns: str | None  # model name, e.g. v02_Invoice


class CatalogError(Exception):
    pass


class ConnectorCatalog:
    def __init__(self, path: Path):
        try:
            self._data = json.loads(path.read_text(encoding="utf-8"))
            self.namespace = self._data["package"].split("namespace ")[1].split(")")[0]
        except (OSError, ValueError, KeyError, IndexError) as exc:
            raise CatalogError(f"cannot read the connector catalog {path}: {exc}") from exc

    @cached_property
    def _actions(self) -> dict[str, dict]:
        return {name.lower(): (name, body) for name, body in self._data["actions"].items()}

    @cached_property
    def _models(self) -> dict[str, tuple[str, list]]:
        return {name.lower(): (name, fields) for name, fields in self._data["models"].items()}

    def owns(self, action_name: str) -> bool:
        """Whether an action name is in the connector's namespace (so the catalog must know it)."""
        return action_name.lower().startswith(self.namespace.lower() + "__")

    def action(self, action_name: str) -> Action | None:
        found = self._actions.get(action_name.lower())
        if found is None:
            return None
        name, body = found
        params = {}
        for param in [*self._data["common_params"], *body["params"]]:
            params[param["name"].lower()] = ActionParam(param["name"], bool(param.get("required")), param["type"])
        return Action(name, params, body.get("returns"))

    def model_fields(self, model: str) -> dict[str, str] | None:
        """Field name (lower-case) -> (declared name, type) for a model, or None if unknown."""
        found = self._models.get(model.lower().removeprefix(self.namespace.lower() + "__"))
        if found is None:
            return None
        return {f["name"].lower(): (f["name"], f["type"]) for f in found[1]}

    def similar_actions(self, action_name: str, limit: int = 3) -> list[str]:
        import difflib

        names = [name for name, _ in self._actions.values()]
        return difflib.get_close_matches(action_name, names, n=limit, cutoff=0.7)
