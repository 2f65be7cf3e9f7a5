"""The Stripe connector's invocable actions and models, from the vendored catalog."""

from __future__ import annotations

import json
import marshal
import sys
from pathlib import Path
from typing import NamedTuple


class ActionParam(NamedTuple):
    name: str
    required: bool
    type: str


class Action(NamedTuple):
    name: str  # stripeGC__v02_CreateInvoices
    params: dict[str, ActionParam]  # by lower-case name, the action's own plus the common ones
    returns: str | None  # model name, e.g. v02_Invoice


class CatalogError(Exception):
    pass


class ConnectorCatalog:
    def __init__(self, path: Path):
        self._data = _load_compact(path)
        self.namespace = self._data["namespace"]

    @property
    def _actions(self) -> dict[str, tuple]:
        return self._data["actions"]

    @property
    def _models(self) -> dict[str, tuple]:
        return self._data["models"]

    def owns(self, action_name: str) -> bool:
        """Whether an action name is in the connector's namespace (so the catalog must know it)."""
        return action_name.lower().startswith(self.namespace.lower() + "__")

    def action(self, action_name: str) -> Action | None:
        found = self._actions.get(action_name.lower())
        if found is None:
            return None
        name, returns, own_params = found
        params = {}
        for param_name, required, param_type in [*self._data["common_params"], *own_params]:
            params[param_name.lower()] = ActionParam(param_name, required, param_type)
        return Action(name, params, returns)

    def model_fields(self, model: str) -> dict[str, tuple[str, str]] | None:
        """Field name (lower-case) -> (declared name, type) for a model, or None if unknown."""
        found = self._models.get(model.lower().removeprefix(self.namespace.lower() + "__"))
        if found is None:
            return None
        return {field_name.lower(): (field_name, field_type) for field_name, field_type in found[1]}

    def similar_actions(self, action_name: str, limit: int = 3) -> list[str]:
        import difflib

        names = [entry[0] for entry in self._actions.values()]
        return difflib.get_close_matches(action_name, names, n=limit, cutoff=0.7)


def _compact(raw: dict) -> dict:
    """Only what the rules use, keyed by lower-case name, in marshal-friendly tuples."""
    namespace = raw["package"].split("namespace ")[1].split(")")[0]
    return {
        "namespace": namespace,
        "common_params": [(p["name"], bool(p.get("required")), p["type"]) for p in raw["common_params"]],
        "actions": {
            name.lower(): (
                name, body.get("returns"),
                [(p["name"], bool(p.get("required")), p["type"]) for p in body["params"]],
            )
            for name, body in raw["actions"].items()
        },
        "models": {
            name.lower(): (name, [(f["name"], f["type"]) for f in fields])
            for name, fields in raw["models"].items()
        },
    }


def _load_compact(path: Path) -> dict:
    """The catalog in compact form; cached with marshal (parsing 1.2 MB of JSON costs more)."""
    from validator import cache

    try:
        stat = path.stat()
    except OSError as exc:
        raise CatalogError(f"cannot read the connector catalog {path}: {exc.strerror}") from exc
    name = f"catalog-{cache.key_for('1', sys.version, f'{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}')}.marshal"
    cached = cache.read(name)
    if cached is not None:
        try:
            return marshal.loads(cached)
        except (ValueError, EOFError, TypeError):
            pass
    try:
        compact = _compact(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise CatalogError(f"cannot read the connector catalog {path}: {exc}") from exc
    cache.write(name, marshal.dumps(compact))
    return compact
