"""Declarative parameter checking for the behaviour modules.

Each endpoint declares its parameters (`Param` specs); `read_params` rejects unknown ones,
missing required ones and ill-typed values with Stripe's messages and codes, naming the
parameter (`metadata[key]`, `enabled_events[2]`), before anything runs or is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from stripesim.errors import invalid_parameter, missing_parameter, parameter_not_emulated, unknown_parameter

# ASCII digits only: `\d` would take "١٢" or "１２", which Stripe refuses as integers.
_INT = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class Param:
    kind: str = "string"  # string | integer | boolean | enum | metadata | string_list | hash
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = 5000
    fields: dict[str, "Param"] = field(default_factory=dict)  # for kind == "hash"
    check: Callable[[str, Any], None] | None = None
    emptyable: bool = False  # "" means "unset" (Stripe's convention on updates)


def string(**kw: Any) -> Param:
    return Param("string", **kw)


def integer(**kw: Any) -> Param:
    return Param("integer", **kw)


def boolean(**kw: Any) -> Param:
    return Param("boolean", **kw)


def enum(*choices: str, **kw: Any) -> Param:
    return Param("enum", choices=tuple(choices), **kw)


def metadata(**kw: Any) -> Param:
    return Param("metadata", **kw)


def hash_list(fields: dict[str, "Param"], **kw: Any) -> Param:
    """A list of hashes (`custom_fields[0][name]=...`); `maximum` caps its length."""
    return Param("hash_list", fields=fields, **kw)


def string_list(**kw: Any) -> Param:
    return Param("string_list", **kw)


def hash_of(fields: dict[str, Param], **kw: Any) -> Param:
    return Param("hash", fields=fields, **kw)


# Accepted on every endpoint; expansion is resolved by the HTTP layer.
COMMON = {"expand": string_list()}

LIST_PARAMS = {
    "limit": integer(minimum=1, maximum=100),
    "starting_after": string(),
    "ending_before": string(),
}

# `created=<ts>` or `created[gt|gte|lt|lte]=<ts>` on lists of timestamped objects.
RANGE_OPERATORS = ("gt", "gte", "lt", "lte")
DATED_LIST_PARAMS = {**LIST_PARAMS, "created": Param("range")}


def read_params(
    raw: dict[str, Any],
    spec: dict[str, Param],
    prefix: str = "",
    *,
    refused: frozenset[str] = frozenset(),
    operation: str = "",
    expandable: bool = True,
) -> dict[str, Any]:
    """`refused`: qualified names (`footer`, `invoice_settings[footer]`) the stripe SDK defines for this
    operation but the emulator does not emulate: answered `parameter_not_emulated`, never ignored."""
    result: dict[str, Any] = {}
    for name in raw:
        shown = _qualify(prefix, name)
        if shown in refused:
            raise parameter_not_emulated(shown, operation)
        if name not in spec and not (not prefix and expandable and name in COMMON):
            raise unknown_parameter(shown)
    for name, param in spec.items():
        shown = _qualify(prefix, name)
        if name not in raw:
            if param.required:
                raise missing_parameter(shown)
            continue
        if param.kind == "hash" and isinstance(raw[name], dict):
            result[name] = read_params(raw[name], param.fields, shown, refused=refused, operation=operation)
            if param.check is not None:
                param.check(shown, result[name])
            continue
        result[name] = _convert(shown, raw[name], param)
    if not prefix and expandable and "expand" in raw:
        result["expand"] = _convert("expand", raw["expand"], COMMON["expand"])
    return result


def _qualify(prefix: str, name: str) -> str:
    return f"{prefix}[{name}]" if prefix else name


def _convert(name: str, value: Any, param: Param) -> Any:
    if param.emptyable and value == "":
        return None
    kind = param.kind
    if kind == "hash":
        if not isinstance(value, dict):
            raise invalid_parameter(name, f"Invalid object: {name} must be a hash", "parameter_invalid_string")
        return read_params(value, param.fields, prefix=name)
    if kind == "metadata":
        return _metadata(name, value)
    if kind == "hash_list":
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise invalid_parameter(name, f"Invalid array: {name} must be a list of hashes")
        if param.maximum is not None and len(value) > param.maximum:
            raise invalid_parameter(name, f"Invalid {name}: at most {param.maximum} items are allowed")
        return [read_params(item, param.fields, prefix=f"{name}[{i}]") for i, item in enumerate(value)]
    if kind == "range":
        if isinstance(value, dict):
            return read_params(value, {op: integer() for op in RANGE_OPERATORS}, prefix=name)
        return {"eq": _convert(name, value, integer())}
    if kind == "string_list":
        # A single value where Stripe expects a list (`expand=customer`, `enabled_events=*`) is refused by
        # Stripe with "Invalid array"; the list form is `expand[]=customer` or `expand[0]=customer`.
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise invalid_parameter(name, f"Invalid array: {name} must be a list of strings")
        if param.check is not None:
            param.check(name, value)
        return value
    if not isinstance(value, str):
        raise invalid_parameter(name, f"Invalid {name}: expected a single value, not a hash or an array")
    if kind == "integer":
        if not _INT.fullmatch(value):
            raise invalid_parameter(name, f"Invalid integer: {value}", "parameter_invalid_integer")
        number = int(value)
        if param.minimum is not None and number < param.minimum:
            raise invalid_parameter(
                name, f"Invalid {name}: must be greater than or equal to {param.minimum}", "parameter_invalid_integer"
            )
        if param.maximum is not None and number > param.maximum:
            raise invalid_parameter(
                name, f"Invalid {name}: must be less than or equal to {param.maximum}", "parameter_invalid_integer"
            )
        converted: Any = number
    elif kind == "boolean":
        if value not in ("true", "false"):
            raise invalid_parameter(name, f"Invalid boolean: {value}")
        converted = value == "true"
    elif kind == "enum":
        if value not in param.choices:
            raise invalid_parameter(name, f"Invalid {name}: must be one of {_one_of(param.choices)}")
        converted = value
    else:
        if param.max_length is not None and len(value) > param.max_length:
            raise invalid_parameter(
                name, f"Invalid string: {value[:20]}...; must be at most {param.max_length} characters", "string_length"
            )
        converted = value
    if param.check is not None:
        param.check(name, converted)
    return converted


def _one_of(choices: Iterable[str]) -> str:
    items = list(choices)
    return ", ".join(items[:-1]) + (" or " if len(items) > 1 else "") + items[-1]


def _metadata(name: str, value: Any) -> dict[str, str | None]:
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid_parameter(name, f"Invalid object: {name} must be a hash of string keys to string values")
    if len(value) > 50:
        raise invalid_parameter(name, "Invalid metadata: at most 50 keys are allowed")
    result: dict[str, str | None] = {}
    for key, item in value.items():
        shown = f"{name}[{key}]"
        if len(key) > 40:
            raise invalid_parameter(shown, f"Invalid metadata key: {key[:40]}...; keys must be at most 40 characters")
        if not isinstance(item, str):
            raise invalid_parameter(shown, f"Invalid value for {shown}: metadata values must be strings")
        if len(item) > 500:
            raise invalid_parameter(shown, f"Invalid value for {shown}: metadata values must be at most 500 characters")
        result[key] = item if item != "" else None
    return result


def in_range(value: int, bounds: dict[str, int]) -> bool:
    checks = {"eq": value.__eq__, "gt": value.__gt__, "gte": value.__ge__, "lt": value.__lt__, "lte": value.__le__}
    return all(checks[op](bound) for op, bound in bounds.items())


def merge_metadata(current: dict[str, str], update: dict[str, str | None]) -> dict[str, str]:
    """Stripe merges metadata on update; an empty value removes the key."""
    if update == {}:
        return {}
    merged = dict(current)
    for key, value in update.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def clean_metadata(update: dict[str, str | None]) -> dict[str, str]:
    return {k: v for k, v in update.items() if v is not None}
