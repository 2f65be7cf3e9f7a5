"""Store and load the element order of the Metadata API complex types the generator writes
(read from the WSDL by sfmeta.wsdl; stored as `sequences.json` so `generate` need not parse it)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from sfmeta import wsdl
from sfmeta.metadata_types import GENERATED_ROOT_TYPES
from sfmeta.wsdl import ChildElement, TypeTable
from sfpay.paths import resource

SLICE_PATH = resource("generator.schema", "sequences.json")

# Root element of every metadata file the generator writes (the element name is the type name).
ROOT_TYPES = GENERATED_ROOT_TYPES

__all__ = ["ROOT_TYPES", "SLICE_PATH", "ChildElement", "TypeTable", "derive_slice", "load_table", "write_slice"]


def derive_slice(wsdl_path: Path, roots: tuple[str, ...] = ROOT_TYPES) -> dict[str, dict[str, Any]]:
    """The complex types reachable from `roots`, with their sequences (sorted by name)."""
    return wsdl.load(wsdl_path).sequences(roots)


def write_slice(wsdl_path: Path, out: Path = SLICE_PATH) -> None:
    data = derive_slice(wsdl_path)
    out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def load_table() -> TypeTable:
    return TypeTable(json.loads(SLICE_PATH.read_text(encoding="utf-8")))
