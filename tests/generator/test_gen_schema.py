"""Every generated XML file validates against the Metadata API schema and is in its order."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from generator.canonical import CanonicalError, canonical_bytes
from generator.schema.sequences import SLICE_PATH, TypeTable, derive_slice
from sfpay.paths import WSDL_PATH

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


@pytest.fixture(scope="module")
def fresh_table() -> TypeTable:
    """Element order read straight from the WSDL, independent of the committed slice."""
    return TypeTable(derive_slice(WSDL_PATH))


def test_committed_slice_matches_wsdl():
    assert json.loads(SLICE_PATH.read_text(encoding="utf-8")) == derive_slice(WSDL_PATH)


def test_every_xml_file_validates_against_wsdl_schema(rendered, wsdl_schema):
    name, files = rendered
    failures = {}
    for path, data in files.items():
        if not path.endswith(".xml"):
            continue
        doc = etree.fromstring(data)
        if not wsdl_schema.validate(doc.getroottree()):
            failures[path] = [f"line {e.line}: {e.message}" for e in wsdl_schema.error_log][:5]
    assert not failures, json.dumps(failures, indent=2)


def _assert_in_sequence_order(element, type_name: str, table: TypeTable, path: str) -> None:
    last = -1
    for child in element:
        local = etree.QName(child).localname
        found = table.child(type_name, local)
        assert found is not None, f"{path}/{local} is not in {type_name}"
        index, spec = found
        assert index >= last, f"{path}/{local} comes after a later element of {type_name}"
        last = index
        if table.is_complex(spec.type):
            _assert_in_sequence_order(child, spec.type, table, f"{path}/{local}")


def test_every_xml_file_follows_schema_sequence(rendered, fresh_table):
    _, files = rendered
    for path, data in files.items():
        if path.endswith(".xml"):
            root = etree.fromstring(data)
            _assert_in_sequence_order(root, etree.QName(root).localname, fresh_table, path)


def test_format_declaration_namespace_indentation(rendered):
    _, files = rendered
    for path, data in files.items():
        if not path.endswith(".xml"):
            continue
        assert data.startswith(DECLARATION), path
        assert data.splitlines()[1].endswith(b' xmlns="http://soap.sforce.com/2006/04/metadata">'), path
        assert data.endswith(b">\n") and not data.endswith(b"\n\n"), path
        for line in data.splitlines()[2:]:
            indent = len(line) - len(line.lstrip(b" "))
            assert indent % 4 == 0 and b"\t" not in line[: indent + 1], f"{path}: {line!r}"
        data.decode("utf-8")


def test_canonical_form_is_a_fixed_point(rendered):
    _, files = rendered
    for path, data in files.items():
        if path.endswith(".xml"):
            assert canonical_bytes(data, path) == data, path


def test_flow_elements_sorted_by_name_like_a_retrieve(rendered):
    _, files = rendered
    for path, data in files.items():
        if not path.endswith(".flow-meta.xml"):
            continue
        root = etree.fromstring(data)
        for tag in ("actionCalls", "decisions", "formulas", "recordLookups", "recordCreates", "recordUpdates"):
            names = [e.findtext("{*}name") for e in root.findall(f"{{*}}{tag}")]
            assert names == sorted(names), f"{path}: {tag}"


NS = "http://soap.sforce.com/2006/04/metadata"


def test_canonicalizer_reorders_and_sorts():
    xml = (
        f'<Flow xmlns="{NS}"><status>Active</status><label>L &amp; "q"</label>'
        "<decisions><label>b</label><name>B</name></decisions>"
        "<actionCalls><name>Z</name></actionCalls><decisions><name>A</name></decisions></Flow>"
    )
    out = canonical_bytes(xml).decode()
    assert out == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Flow xmlns="{NS}">\n'
        "    <actionCalls>\n        <name>Z</name>\n    </actionCalls>\n"
        "    <decisions>\n        <name>A</name>\n    </decisions>\n"
        "    <decisions>\n        <name>B</name>\n        <label>b</label>\n    </decisions>\n"
        "    <label>L &amp; &quot;q&quot;</label>\n"
        "    <status>Active</status>\n"
        "</Flow>\n"
    )


def test_canonicalizer_keeps_order_of_meaningful_repeats():
    xml = (
        f'<Flow xmlns="{NS}"><decisions><name>D</name>'
        "<rules><name>Second</name></rules><rules><name>First</name></rules></decisions></Flow>"
    )
    out = canonical_bytes(xml).decode()
    assert out.index("Second") < out.index("First")


@pytest.mark.parametrize(
    "xml, message",
    [
        (f'<Flow xmlns="{NS}"><bogus>1</bogus></Flow>', "Flow/bogus: not an element of Metadata API type Flow"),
        (
            f'<Flow xmlns="{NS}"><start><nope/></start></Flow>',
            "Flow/start/nope: not an element of Metadata API type FlowStart",
        ),
        ("<Flow><label>x</label></Flow>", "must be in namespace"),
        (f'<Nothing xmlns="{NS}"/>', "<Nothing> is not a Metadata API type"),
        (f'<Flow xmlns="{NS}"><label>x</label>', "does not parse"),
        (f'<Flow xmlns="{NS}"><label><b>x</b></label></Flow>', "simple value has child elements"),
    ],
)
def test_canonicalizer_fails_closed(xml, message):
    with pytest.raises(CanonicalError) as info:
        canonical_bytes(xml, "t.xml")
    assert message in str(info.value)
