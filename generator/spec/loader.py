"""Load a spec file: YAML with line numbers -> pydantic model -> cross-field checks.

Every problem is reported at once as `FILE:LINE: key.path: message (expected ...)`.
ruamel.yaml's round-trip loader keeps the line of every key and list item; pydantic's error
locations are mapped back onto them.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.errors import Loc, Problem, SpecError
from generator.spec.model import PATTERN_DESCRIPTIONS, Spec
from generator.spec.reading import read_spec_text

TYPE_NAMES = {
    "int": "a whole number",
    "float": "a number",
    "decimal": "a number",
    "bool": "true or false",
    "string": "text",
    "list": "a list",
    "dict": "a mapping of keys to values",
    "model": "a mapping of keys to values",
}


def load_spec(path: Path) -> Spec:
    """Read and validate a spec file, or raise SpecError listing every problem.

    The common spec, one without problems, is read by libyaml (`sfpay.yaml_input.load_plain`,
    issue 17); a spec with any problem, or one libyaml does not read as ruamel does, is read
    again by ruamel's round-trip loader, whose lines the problems name.
    """
    return load_spec_text(read_spec_text(path), str(path))


def load_spec_text(text: str, name: str) -> Spec:
    """`load_spec` of text already read; `name` is the file named in problems."""
    spec = _valid_spec_read_fast(text)
    if spec is not None:
        return spec
    return _load_with_lines(_parse_with_lines(text, name), name)


def _valid_spec_read_fast(text: str) -> Spec | None:
    """The spec when libyaml reads it and it has no problem at all; else None."""
    from generator.spec.checks import check_spec
    from sfpay.yaml_input import UNSUPPORTED, YamlInputError, load_plain

    try:
        plain = load_plain(text)
    except YamlInputError:
        return None
    if plain is UNSUPPORTED:
        return None
    if plain is None:
        plain = {}
    if not isinstance(plain, dict) or any(True for _ in _xml_unsafe(plain)):
        return None
    try:
        spec = Spec.model_validate(plain)
    except ValidationError:
        return None
    if any(True for _ in check_spec(spec)):
        return None
    return spec


def _load_with_lines(data: Any, name: str) -> Spec:
    from generator.spec.checks import check_spec

    plain = _plain(data)
    unwritable = [Problem(name, _line_of(data, loc), _path_text(loc), message) for loc, message in _xml_unsafe(plain)]
    if unwritable:
        raise SpecError(unwritable)
    try:
        spec = Spec.model_validate(plain)
    except ValidationError as exc:
        raise SpecError([_problem(name, data, err) for err in exc.errors()]) from None
    problems = [Problem(name, _line_of(data, loc), _path_text(loc), message) for loc, message in check_spec(spec)]
    if problems:
        raise SpecError(problems)
    return spec


def _parse_with_lines(text: str, name: str) -> Any:
    # sfpay.yaml_input refuses what ruamel alone would choke on (alias bombs, deep nesting,
    # forbidden characters), each with its line.
    from sfpay.yaml_input import YamlInputError, load

    try:
        data = load(text)
    except YamlInputError as exc:
        raise SpecError([Problem(name, exc.line, "", exc.message)]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SpecError(
            [Problem(name, 1, "", "the spec must be a mapping of keys (expected api_version:, stripe:, ...)")]
        )
    return data


def _plain(node: Any) -> Any:
    """ruamel's commented containers and scalar subclasses -> plain Python values.

    An unquoted date (`api_version: 2025-04-30`) is a YAML timestamp; every date in a spec is
    meant as text, so it becomes its ISO form.
    """
    import datetime

    if isinstance(node, dict):
        return {_plain(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()
    if isinstance(node, str):
        return str(node)
    return node


# Characters XML 1.0 cannot carry at all (https://www.w3.org/TR/xml/#charsets): every spec
# string ends up in metadata XML, so a YAML escape such as "\x01" must stop here, with its key.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_unsafe(node: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _xml_unsafe(key, loc + (key,))
            yield from _xml_unsafe(value, loc + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _xml_unsafe(value, loc + (i,))
    elif isinstance(node, str):
        bad = _NOT_XML.search(node)
        if bad:
            yield (
                loc,
                (
                    f"character U+{ord(bad.group()):04X} cannot be written to Salesforce metadata "
                    "(expected printable text; XML 1.0 allows no control characters but tab and newline)"
                ),
            )


def _line_of(data: Any, loc: Loc) -> int:
    """1-based line of the deepest key of `loc` present in the YAML document."""
    node: Any = data  # ruamel CommentedMap / CommentedSeq (`.lc` holds the lines)
    line = 1
    for part in loc:
        if isinstance(node, dict) and part in node:
            try:
                line = getattr(node, "lc").key(part)[0] + 1
            except (AttributeError, KeyError, TypeError):
                pass
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            try:
                line = getattr(node, "lc").item(part)[0] + 1
            except (AttributeError, KeyError, TypeError, IndexError):
                pass
            node = node[part]
        else:
            break
    return line


def _path_text(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "." in str(part) or " " in str(part):
            out += f'["{part}"]'
        else:
            out += f".{part}" if out else str(part)
    return out


def _problem(file: str, data: Any, err: Mapping[str, Any]) -> Problem:
    loc = tuple(p for p in err["loc"] if not _is_internal_loc(p))
    return Problem(file, _line_of(data, loc), _path_text(loc), _message(loc, err))


def _is_internal_loc(part: object) -> bool:
    # pydantic adds the dict-key marker "[key]" for errors in mapping keys.
    return part == "[key]"


def _message(loc: Loc, err: Mapping[str, Any]) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        import difflib  # only a spec with an unknown key needs it (issue 17: generate's start-up)

        allowed = _allowed_keys(loc[:-1])
        key = str(loc[-1])
        hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        did_you_mean = f"; did you mean '{hint[0]}'?" if hint else ""
        return f"unknown key '{key}'{did_you_mean} (expected one of: {', '.join(allowed)})"
    if kind == "missing":
        return "required key is missing"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        expected = PATTERN_DESCRIPTIONS.get(pattern, f"text matching {pattern}")
        return f"{_got(value)} (expected {expected})"
    if kind == "literal_error":
        return f"{_got(value)} (expected one of: {ctx.get('expected', '')})".replace(" or ", ", ")
    if kind in ("too_short", "too_long"):
        return f"{err['msg'][0].lower()}{err['msg'][1:]}"
    if kind in ("string_too_short", "string_too_long"):
        return f"{_got(value)} ({err['msg'].replace('String should', 'expected text to')})"
    if kind.startswith(("greater_than", "less_than")):
        return f"{_got(value)} ({err['msg'].replace('Input should be', 'expected a number')})"
    for prefix, expected in TYPE_NAMES.items():
        if kind.startswith(prefix):
            return f"{_got(value)} (expected {expected})"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return str(err["msg"])


def _got(value: object) -> str:
    if isinstance(value, dict):
        return "got a mapping"
    if isinstance(value, list):
        return "got a list"
    if isinstance(value, bool):
        return f"invalid value {str(value).lower()}"
    return f"invalid value {value!r}" if isinstance(value, str) else f"invalid value {value}"


def _allowed_keys(loc: Loc) -> list[str]:
    """Keys the model accepts at `loc` (follows models, lists and dicts by annotation)."""
    annotation: object = Spec
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        else:
            args = typing.get_args(annotation)
            annotation = args[-1] if args else None
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated wrappers down to the model or container type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            non_none = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = non_none[0] if len(non_none) == 1 else annotation
            if len(non_none) != 1:
                return annotation
        else:
            return annotation
