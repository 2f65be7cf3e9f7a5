"""The connector catalog's index (vendor/stripe-connector-catalog-index.jsonl), which
`sfpay validate` reads instead of the whole catalog, is current and answers exactly as the
catalog does; a damaged index is a clear error, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from validate_helpers import WORKTREE

from sfmeta.connector import CatalogError, ConnectorCatalog, read_raw
from sfmeta.connector_index import LICENSE, read_index, render
from sfpay import paths


def test_index_is_what_the_catalog_gives_today():
    assert paths.CONNECTOR_INDEX_PATH.read_bytes() == render(read_raw(paths.CONNECTOR_CATALOG_PATH)), (
        "vendor/stripe-connector-catalog-index.jsonl is stale: run `python -m validator.catalog`"
    )


def test_index_keeps_the_catalog_source_and_license():
    header = json.loads(paths.CONNECTOR_INDEX_PATH.read_bytes().partition(b"\n")[0])
    raw = read_raw(paths.CONNECTOR_CATALOG_PATH)
    assert header["source"] == raw["source"] and "MIT" in header["source"]
    assert header["license"] == LICENSE and (paths.VENDOR_DIR / LICENSE).is_file()


@pytest.mark.parametrize("namespace", [None, "acme"])
def test_indexed_catalog_answers_as_the_catalog(namespace):
    whole = ConnectorCatalog(read_raw(paths.CONNECTOR_CATALOG_PATH), namespace)
    indexed = ConnectorCatalog(read_index(paths.CONNECTOR_INDEX_PATH), namespace)
    raw = read_raw(paths.CONNECTOR_CATALOG_PATH)
    assert indexed.namespace == whole.namespace and indexed.vendored_namespace == whole.vendored_namespace
    for name in raw["actions"]:
        spelled = f"{whole.namespace}__{name.split('__', 1)[1]}"
        assert indexed.action(spelled) == whole.action(spelled), name
        assert indexed.action(spelled.upper()) == whole.action(spelled.upper()), name
    for name in raw["models"]:
        assert indexed.model(name) == whole.model(name), name
        assert indexed.model_fields(name.lower()) == whole.model_fields(name.lower()), name
    assert indexed.action(f"{whole.namespace}__v02_NoSuchAction") is None
    assert indexed.similar_actions(f"{whole.namespace}__v02_CreateInvoicez") == whole.similar_actions(
        f"{whole.namespace}__v02_CreateInvoicez"
    )


def test_a_truncated_index_is_a_clear_error(tmp_path):
    """The index is read per entry: a damaged file surfaces as the validator's one-line error."""
    broken = tmp_path / "index.jsonl"
    data = paths.CONNECTOR_INDEX_PATH.read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(CatalogError, match="cannot read the connector catalog index"):
        catalog = ConnectorCatalog(read_index(broken))
        for name in read_index(paths.CONNECTOR_INDEX_PATH)["models"]:
            catalog.model(name)
    broken.write_bytes(b"not json\n")
    with pytest.raises(CatalogError, match="cannot read the connector catalog index"):
        read_index(broken)


def test_validate_decodes_only_the_entries_the_tree_uses():
    """Not a timer: the run decodes the actions its flows call and the models they return,
    not all 244 actions and 2175 models."""
    probe = (
        "import sys\n"
        "from sfmeta import connector_index\n"
        "decoded = []\n"
        "original = connector_index._Entries.__getitem__\n"
        "def counting(self, name):\n"
        "    if name not in self._decoded: decoded.append(name)\n"
        "    return original(self, name)\n"
        "connector_index._Entries.__getitem__ = counting\n"
        "from validator.command import run\n"
        "code = run([sys.argv[1]])\n"
        "print(len(decoded), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(WORKTREE / "force-app")], capture_output=True, text=True, cwd=WORKTREE
    )
    assert result.returncode == 0, result.stderr
    assert 0 < int(result.stderr.strip().splitlines()[-1]) < 60
