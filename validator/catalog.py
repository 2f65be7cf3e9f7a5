"""The connector catalog for the rules (sfmeta.connector), its JSON cached with marshal:
parsing 1.2 MB of JSON on every `sfpay validate` costs more than loading the marshal copy."""

from __future__ import annotations

import marshal
import sys
from pathlib import Path
from typing import Any

from sfmeta.connector import CatalogError, ConnectorCatalog, read_raw

__all__ = ["CatalogError", "ConnectorCatalog", "load_catalog"]


def load_catalog(path: Path, namespace: str | None = None) -> ConnectorCatalog:
    return ConnectorCatalog(_load_raw(path), namespace)


def _load_raw(path: Path) -> dict[str, Any]:
    from validator import cache

    try:
        stat = path.stat()
    except OSError as exc:
        raise CatalogError(f"cannot read the connector catalog {path}: {exc.strerror}") from exc
    name = f"catalog-{cache.key_for('2', sys.version, f'{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}')}.marshal"
    cached = cache.read(name)
    if cached is not None:
        try:
            return marshal.loads(cached)
        except (ValueError, EOFError, TypeError):
            pass
    raw = read_raw(path)
    cache.write(name, marshal.dumps(raw))
    return raw
