"""The connector catalog in an indexed form: each action and model decoded only when asked for.

vendor/stripe-connector-catalog.json (1.2 MB, 244 actions, 2175 models) is read whole by
json.loads; a tree's flows use a handful of actions and the models they return. The index
file (vendor/stripe-connector-catalog-index.jsonl) holds the same data: its first line is a
JSON header (the catalog's own top-level facts: source, package, Stripe API version, the
common parameters; the license file; the names of the actions and models and where each
one's line ends), then one line of compact JSON per action and per model. Reading it costs a header decode and the
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
# Header keys that describe the index, not the catalog.
_NOT_CATALOG = {"format", "license", "derived_from", "ends", *_SECTIONS}


def render(raw: dict[str, Any]) -> bytes:
    """The index file's bytes for a catalog read by `sfmeta.connector.read_raw`."""
    lines: list[bytes] = []
    header: dict[str, Any] = {"format": FORMAT, "derived_from": "stripe-connector-catalog.json", "license": LICENSE}
    header.update({key: value for key, value in raw.items() if key not in _SECTIONS})
    for section in _SECTIONS:
        # The catalog's order, which ConnectorCatalog keeps. Names and offsets are one string
        # each: decoding a few long strings costs far less than thousands of small values.
        header[section] = "\n".join(raw[section])
        lines += [
            json.dumps(entry, separators=(",", ":"), sort_keys=True).encode("utf-8") for entry in raw[section].values()
        ]
    ends, offset = [], 0
    for line in lines:
        offset += len(line) + 1
        ends.append(str(offset))
    header["ends"] = ",".join(ends)  # where each entry's line ends (after its newline), in order
    return json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n" + b"".join(line + b"\n" for line in lines)


class _Entries(Mapping[str, Any]):
    """Name -> decoded entry of one section, decoding an entry on first access."""

    def __init__(self, body: memoryview, ranges: dict[str, tuple[int, int]], path: Path) -> None:
        self._body = body
        self._ranges = ranges
        self._path = path
        self._decoded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._decoded:
            start, end = self._ranges[name]
            try:
                self._decoded[name] = json.loads(bytes(self._body[start:end]))
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
    newline = data.find(b"\n")
    try:
        header = json.loads(data[:newline])
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ValueError(f"not a format-{FORMAT} index")
        names = {section: header[section].split("\n") for section in _SECTIONS}
        ends = [int(end) for end in header["ends"].split(",")]
        common = header["common_params"]
    except (ValueError, KeyError, AttributeError) as exc:
        raise CatalogError(f"cannot read the connector catalog index {path}: {exc}") from None
    if len(ends) != sum(len(listed) for listed in names.values()) or newline < 0:
        raise CatalogError(f"cannot read the connector catalog index {path}: the offsets do not match the names")
    body = memoryview(data)[newline + 1 :]
    raw: dict[str, Any] = {key: value for key, value in header.items() if key not in _NOT_CATALOG}
    raw["common_params"] = common
    position, start = 0, 0
    for section in _SECTIONS:
        ranges: dict[str, tuple[int, int]] = {}
        for name in names[section]:
            end = ends[position]
            ranges[name] = (start, end - 1)
            start, position = end, position + 1
        raw[section] = _Entries(body, ranges, path)
    return raw
