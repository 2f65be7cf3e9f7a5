"""Decode Stripe's form encoding (`a[b][0]=x`, `expand[]=y`) into nested dicts and lists.

Stripe v1 takes `application/x-www-form-urlencoded` bodies and query strings with bracket
notation. A bracket segment that is empty appends to a list; a dict whose keys are all
integers becomes a list ordered by index.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from stripesim.errors import ParamError

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


class _AppendList(list[Any]):
    """A list built from `name[]=` entries."""


def split_key(key: str) -> tuple[str, list[str]]:
    head, bracket, rest = key.partition("[")
    if not bracket:
        return key, []
    rest = "[" + rest
    segments = _SEGMENT.findall(rest)
    if "".join(f"[{s}]" for s in segments) != rest or not head:
        raise ParamError(f"Invalid parameter name: {key}", code="parameter_invalid_string", param=key)
    return head, segments


def decode_pairs(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for key, value in pairs:
        head, segments = split_key(key)
        path = [head, *segments]
        node: Any = root
        for depth, segment in enumerate(path):
            last = depth == len(path) - 1
            shown = path[0] + "".join(f"[{s}]" for s in path[1 : depth + 1])
            if isinstance(node, _AppendList):
                if segment != "" or not last:
                    raise ParamError(f"Invalid array: {shown}", code="parameter_invalid_string", param=shown)
                node.append(value)
                break
            if segment == "":
                raise ParamError(f"Invalid parameter name: {key}", code="parameter_invalid_string", param=key)
            if last:
                if segment in node and not isinstance(node[segment], str):
                    raise ParamError(f"Invalid hash: {shown}", code="parameter_invalid_string", param=shown)
                node[segment] = value
                break
            following = path[depth + 1]
            child = node.get(segment)
            if child is None:
                child = _AppendList() if following == "" else {}
                node[segment] = child
            elif isinstance(child, str) or (following == "") != isinstance(child, _AppendList):
                raise ParamError(f"Invalid hash: {shown}", code="parameter_invalid_string", param=shown)
            node = child
    # The top level is always a hash of parameter names: a body such as `0=x` names a
    # parameter "0" (unknown, refused later), it is not a list.
    return {key: _normalize(value) for key, value in root.items()}


def _normalize(node: Any) -> Any:
    if isinstance(node, _AppendList):
        return list(node)
    if isinstance(node, dict):
        # ASCII digits only: "²".isdigit() is true but int("²") fails; such keys stay hash keys.
        if node and all(k.isascii() and k.isdigit() for k in node):
            return [_normalize(node[k]) for k in sorted(node, key=int)]
        return {k: _normalize(v) for k, v in node.items()}
    return node


def decode(body: bytes | str) -> dict[str, Any]:
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        raise ParamError("Invalid request: the body is not UTF-8 form data.") from None
    if not text:
        return {}
    return decode_pairs(parse_qsl(text, keep_blank_values=True))
