"""JSON request bodies read defensively: strict UTF-8, bounded nesting, finite numbers only.

Python's `json` accepts what no JSON client sends (NaN, Infinity), recurses once per nesting
level (a 100k-deep array is a RecursionError) and refuses integers over 4300 digits with a
ValueError. Every body the server parses (REST, harness, the webhook listener) goes through
`parse`, so each of these is one clean `JsonInputError` naming what was wrong.
"""

from __future__ import annotations

import json
import math
from typing import Any

# sfpay's own cap: sObject bodies are 3 levels deep, Stripe events about 8. Far below the
# interpreter's recursion limit, so nothing downstream (storage, flows) recurses on input.
MAX_DEPTH = 64


class JsonInputError(ValueError):
    """The body is not JSON the server takes; the message says why (never echoes secrets)."""


def _no_constant(name: str) -> Any:
    raise JsonInputError(f"'{name}' is not a JSON value (numbers must be finite)")


def parse(raw: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of `raw`, or JsonInputError."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonInputError(f"the body is not UTF-8 (invalid byte at offset {exc.start})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        snippet = text[exc.pos : exc.pos + 1]
        raise JsonInputError(
            f"Unexpected character ('{snippet}'): at [line:{exc.lineno}, column:{exc.colno}]"
        ) from None
    except JsonInputError:
        raise
    except RecursionError:
        raise JsonInputError(f"the JSON nests too deep; at most {max_depth} levels are accepted") from None
    except ValueError as exc:  # integers over 4300 digits
        raise JsonInputError(f"the JSON has a value Python cannot read: {str(exc)[:80]}") from None
    _check(value, max_depth)
    return value


def _check(value: Any, max_depth: int) -> None:
    """Nesting within `max_depth`, and finite numbers (a literal such as 1e400 parses to inf),
    checked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise JsonInputError("a number in the JSON is out of range (numbers must be finite)")
        if isinstance(item, (dict, list)):
            if depth > max_depth:
                raise JsonInputError(f"the JSON nests more than {max_depth} levels deep")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
