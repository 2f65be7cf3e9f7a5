"""The connector catalog for the rules (sfmeta.connector), read from its index
(vendor/stripe-connector-catalog-index.jsonl, sfmeta.connector_index): a run decodes the
actions and models its flows use, not the whole 1.2 MB catalog, with no cache to fill.

Regenerate the index after changing the catalog (tests/validator/test_connector_index.py
fails while it is stale):

    python -m validator.catalog
"""

from __future__ import annotations

from pathlib import Path

from sfmeta.connector import CatalogError, ConnectorCatalog
from sfmeta.connector_index import read_index

__all__ = ["CatalogError", "ConnectorCatalog", "load_catalog"]


def load_catalog(path: Path, namespace: str | None = None) -> ConnectorCatalog:
    """The catalog from the index file at `path`."""
    return ConnectorCatalog(read_index(path), namespace)


def main() -> None:
    from sfmeta.connector import read_raw
    from sfmeta.connector_index import render
    from sfpay import paths

    paths.CONNECTOR_INDEX_PATH.write_bytes(render(read_raw(paths.CONNECTOR_CATALOG_PATH)))
    print(f"wrote {paths.CONNECTOR_INDEX_PATH}")


if __name__ == "__main__":
    main()
