"""The sliced, cached schema accepts and rejects exactly what the whole WSDL does."""

from __future__ import annotations

import copy

import pytest
from lxml import etree
from validate_helpers import metadata_documents

from sfmeta.metadata_types import GENERATED_ROOT_TYPES
from sfmeta.wsdl import Wsdl, WsdlError
from sfmeta.xml import MD_NS, XSD_NS
from sfpay import paths
from validator.schema.wsdl_slice import load_schema

TYPES = list(GENERATED_ROOT_TYPES)


@pytest.fixture(scope="module")
def wsdl():
    return Wsdl(paths.WSDL_PATH.read_bytes())


@pytest.fixture(scope="module")
def full_schema(wsdl):
    """Every type of the WSDL, compiled the slow way: the reference the slice must match."""
    schema = etree.Element(f"{{{XSD_NS}}}schema", nsmap=wsdl.namespaces, attrib=wsdl.schema_attributes)
    for node in wsdl.types.values():
        schema.append(copy.deepcopy(node))
    for name in TYPES:
        etree.SubElement(schema, f"{{{XSD_NS}}}element", name=name, type=f"tns:{name}")
    return etree.XMLSchema(schema)


def test_slice_agrees_with_the_whole_wsdl(full_schema, tmp_path, monkeypatch):
    monkeypatch.setenv("SFPAY_CACHE_DIR", str(tmp_path))
    sliced = load_schema(paths.WSDL_PATH, TYPES)
    documents = list(metadata_documents(TYPES))
    assert len(documents) > 30
    verdicts = set()
    for path, root in documents:
        expected = full_schema.validate(root.getroottree())
        assert sliced.validate(root.getroottree()) == expected, path
        if not expected:
            assert [e.line for e in sliced.error_log] == [e.line for e in full_schema.error_log], path
        verdicts.add(expected)
    assert verdicts == {True, False}, "the corpus has both valid and invalid documents"


def test_slice_holds_only_reachable_types(wsdl):
    flow_types = wsdl.reachable(["Flow"])
    assert "FlowActionCall" in flow_types and "FlowScheduledPathType" in flow_types
    assert "CustomField" not in flow_types
    assert len(flow_types) < len(wsdl.types) / 5
    assert "Flow" in wsdl.metadata_types() and "FlowActionCall" not in wsdl.metadata_types()


def test_cache_is_used_and_rebuilt_when_damaged(tmp_path, monkeypatch):
    monkeypatch.setenv("SFPAY_CACHE_DIR", str(tmp_path))
    load_schema(paths.WSDL_PATH, ["Flow"])
    cached = list(tmp_path.glob("metadata-slice-*.xsd"))
    assert len(cached) == 1
    cached[0].write_bytes(b"<not-a-schema")
    schema = load_schema(paths.WSDL_PATH, ["Flow"])
    flow = etree.fromstring(f'<Flow xmlns="{MD_NS}"><label>x</label></Flow>'.encode())
    assert schema.validate(etree.ElementTree(flow))
    assert etree.fromstring(cached[0].read_bytes()).tag == f"{{{XSD_NS}}}schema"


def test_unwritable_cache_does_not_fail(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("SFPAY_CACHE_DIR", str(blocker / "cache"))
    assert load_schema(paths.WSDL_PATH, ["CustomField"]) is not None


def test_unknown_type_gets_no_declaration_and_missing_wsdl_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SFPAY_CACHE_DIR", str(tmp_path))
    schema = load_schema(paths.WSDL_PATH, ["NoSuchType", "Flow"])
    document = etree.ElementTree(etree.fromstring(f'<NoSuchType xmlns="{MD_NS}"/>'.encode()))
    assert not schema.validate(document)
    assert "No matching global declaration" in schema.error_log[0].message
    with pytest.raises(WsdlError, match="cannot read the Metadata API WSDL"):
        load_schema(tmp_path / "missing.wsdl", ["Flow"])
