"""The connector catalog in an indexed form: each action and model decoded only when asked for.

vendor/stripe-connector-catalog.json (1.2 MB, 244 actions, 2175 models) is read whole by
json.loads; a tree's flows use a handful of actions and the models they return. The index
file (vendor/stripe-connector-catalog-index.jsonl) holds the same data: its first line is a
JSON header (the catalog's own top-level facts: source, package, Stripe API version, the
common parameters, the license file, and the byte range of every action and model), then one
line of compact JSON per action and per model. Reading it costs a header decode and the
entries looked up.

It is derived, never edited: `python -m validator.catalog` writes it from the catalog, and
tests/validator/test_connector_index.py fails while it differs from what the catalog renders.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sfmeta.connector import CatalogError

# Bump when the layout changes; a reader refuses another format.
FORMAT = 1
LICENSE = "LICENSE-stripe-salesforce-ai-context.txt"
_SECTIONS = ("actions", "models")


def render(raw: dict[str, Any]) -> bytes:
    """The index file's bytes for a catalog read by `sfmeta.connector.read_raw`."""
    body: list[bytes] = []
    offset = 0
    ranges: dict[str, dict[str, list[int]]] = {}
    for section in _SECTIONS:
        ranges[section] = {}
        for name in raw[section]:  # the catalog's order, which ConnectorCatalog keeps
            line = json.dumps(raw[section][name], separators=(",", ":"), sort_keys=True).encode("utf-8")
            ranges[section][name] = [offset, offset + len(line)]
            body.append(line + b"\n")
            offset += len(line) + 1
    header = {"format": FORMAT, "derived_from": "stripe-connector-catalog.json", "license": LICENSE}
    header.update({key: value for key, value in raw.items() if key not in _SECTIONS})
    header.update(ranges)
    return json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n" + b"".join(body)


class _Entries(Mapping[str, Any]):
    """Name -> decoded entry of one section, decoding an entry on first access."""

    def __init__(self, body: bytes, ranges: dict[str, list[int]], path: Path) -> None:
        self._body = body
        self._ranges = ranges
        self._path = path
        self._decoded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._decoded:
            start, end = self._ranges[name]
            try:
                self._decoded[name] = json.loads(self._body[start:end])
            except ValueError as exc:
                raise CatalogError(f"cannot read the connector catalog index {self._path}: {name}: {exc}") from None
        return self._decoded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ranges)

    def __len__(self) -> int:
        return len(self._ranges)


def read_index(path: Path) -> dict[str, Any]:
    """A catalog as `read_raw` returns it, from the index file: the same keys, with `actions`
    and `models` decoded entry by entry as they are used."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read the connector catalog index {path}: {exc.strerror}") from exc
    first, _, body = data.partition(b"\n")
    try:
        header = json.loads(first)
    except ValueError as exc:
        raise CatalogError(f"cannot read the connector catalog index {path}: {exc}") from None
    if (
        not isinstance(header, dict)
        or header.get("format") != FORMAT
        or not {*_SECTIONS, "common_params"} <= set(header)
    ):
        raise CatalogError(f"cannot read the connector catalog index {path}: not a format-{FORMAT} index")
    raw = {key: value for key, value in header.items() if key not in ("format", "license", "derived_from")}
    for section in _SECTIONS:
        raw[section] = _Entries(body, header[section], path)
    return raw
