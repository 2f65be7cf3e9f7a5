"""Each Salesforce fact is coded once, in sfmeta (issue 15): no other package of the tool spells
out the Metadata API namespace, reads the WSDL, or parses metadata (flow) XML on its own.

A grep over the source tree: simple on purpose, so a copy cannot slip in under a new name of
an old helper. Non-metadata XML (SOAP envelopes) and the places other work still owns are
listed with the reason; the list only shrinks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sfmeta.connector_package import ConnectorPackage

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sfpay", "generator", "validator", "stripesim", "orgsim", "harness", "pipeline", "operate")
DATA_SUFFIXES = (".yml", ".yaml", ".json")

# XML parsing of documents that are not metadata files, or not yet moved (file -> why).
PARSES_OTHER_XML = {
    "orgsim/server/soap_login.py": "the partner API's SOAP login envelope",
    "orgsim/server/deploy/soap.py": "the Metadata API's SOAP deploy envelope",
    "pipeline/deploy_errors.py": "the SOAP deploy result CumulusCI returns",
    "orgsim/server/deploy/checks.py": "well-formedness of deploy-zip files (deploy checks move with the injection work)",
    "generator/render/engine.py": "a rendered template, to canonicalise it (generator/render belongs to the flow-kinds work)",
}
XML_PARSE = re.compile(
    r"etree\.(fromstring|parse|XML|iterparse)\(|XMLParser\(|defusedxml|minidom|(?<!l)xml\.etree|xml\.dom"
)
NAMESPACE = "soap.sforce.com/2006/04/metadata"
XSD_NAMESPACE = '2001/XMLSchema"'  # the WSDL's type system (not XMLSchema-instance)
CONNECTOR_PREFIX = re.compile(r"""["']stripeGC__["']""")  # the prefix as a value, not field names in prose


def _sources() -> list[tuple[str, str]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found.append((path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
    return found


def test_the_source_tree_is_scanned() -> None:
    names = {name for name, _ in _sources()}
    assert "orgsim/flows/loader.py" in names and "validator/rules/__init__.py" in names


def test_the_metadata_namespace_is_spelled_only_in_sfmeta() -> None:
    offenders = [name for name, text in _sources() if NAMESPACE in text]
    assert not offenders, f"use sfmeta.xml.MD_NS instead of the literal in: {offenders}"


def test_the_wsdl_is_read_only_in_sfmeta() -> None:
    offenders = [name for name, text in _sources() if XSD_NAMESPACE in text]
    assert not offenders, f"read the WSDL through sfmeta.wsdl, not in: {offenders}"


def test_metadata_xml_is_parsed_only_in_sfmeta() -> None:
    offenders = [name for name, text in _sources() if XML_PARSE.search(text) and name not in PARSES_OTHER_XML]
    assert not offenders, f"parse metadata (and flow) XML with sfmeta.xml.parse / sfmeta.flow.Flow, not in: {offenders}"
    stale = (
        [name for name in PARSES_OTHER_XML if not XML_PARSE.search((ROOT / name).read_text(encoding="utf-8"))]
        if all((ROOT / name).is_file() for name in PARSES_OTHER_XML)
        else []
    )
    assert not stale, f"no longer parse XML: remove from PARSES_OTHER_XML: {stale}"


def test_the_connector_namespace_is_not_hard_coded() -> None:
    offenders = [name for name, text in _sources() if CONNECTOR_PREFIX.search(text)]
    assert not offenders, (
        f"take the connector namespace from the caller (the spec's stripe.namespace), not in: {offenders}"
    )


def _package_names() -> str:
    return "|".join(re.escape(name) for name in ConnectorPackage.bare_names())


def _data_files() -> list[tuple[str, str]]:
    return [
        (path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*"))
        if path.suffix in DATA_SUFFIXES and path.is_file()
    ]


def _string_values(source: str) -> list[str]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_the_connector_package_objects_are_described_only_in_sfmeta() -> None:
    """The connector package's objects and fields (sfmeta/connector_package.py) are in no data
    file of another package (orgsim's schema and the validator's known fields read sfmeta)."""
    data = _data_files()
    assert "orgsim/data/standard_objects.yml" in {name for name, _ in data}
    named = re.compile(rf"\w__(?:{_package_names()})\b")  # `<namespace>__Stripe_Event__c`, any namespace
    offenders = [name for name, text in data if named.search(text)]
    assert not offenders, f"describe the connector package in sfmeta/connector_package.py, not in: {offenders}"


def test_no_package_name_is_a_value_in_the_catalog_namespace() -> None:
    """`stripeGC__Stripe_Event__c` as a value is the namespace hard-coded: name it through
    `ConnectorPackage(namespace)` (prose in hints and spec descriptions may show the default)."""
    # The whole value (a constant, a dict key), or in a SOQL query or a REST path.
    value = re.compile(rf"^stripeGC__(?:{_package_names()})$|(?:FROM |sobjects/)stripeGC__")
    offenders = [name for name, text in _sources() if any(value.search(v.strip()) for v in _string_values(text))]
    assert not offenders, f"name the connector's objects with sfmeta.connector_package, not in: {offenders}"


def test_orgsim_and_the_validator_know_the_package_as_sfmeta_describes_it(tmp_path: Path) -> None:
    """Both read the one description, named in the namespace they are given."""
    from orgsim.schema import build_standard_schema
    from validator.project_index import ProjectIndex
    from validator.source_tree import SourceTree

    package = ConnectorPackage("acmepay")
    schema = build_standard_schema(package)
    index = ProjectIndex(SourceTree(tmp_path), package=package)
    expected = {o.name: {f.name for f in o.fields} for o in package.objects}
    for added in package.standard_object_fields:
        expected.setdefault(added.object, set()).add(added.field.name)
    assert {"acmepay__Stripe_Event__c", "acmepay__Sync_Log__c", "acmepay__Stripe_Account__c"} <= set(expected)
    for object_name, field_names in expected.items():
        assert field_names <= set(schema.get(object_name).fields), object_name
        assert all(index.field(object_name, name) for name in field_names), object_name
    assert not [name for name in schema.objects if name.startswith("stripeGC__")]
    assert not [info.name for info in index.objects.values() if info.name.startswith("stripeGC__")]


def test_sfmeta_is_the_one_place() -> None:
    text = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "sfmeta").rglob("*.py"))
    assert NAMESPACE in text and XSD_NAMESPACE in text and "etree.fromstring(" in text


def test_orgsim_reads_flows_through_the_typed_model() -> None:
    """orgsim's flow loader and element handlers read sfmeta's typed Flow parts
    (sfmeta/flow_parts.py), never the flow XML with the low-level readers."""
    offenders = [
        name
        for name, text in _sources()
        if name.startswith("orgsim/flows/") and re.search(r"from sfmeta\.xml import|import sfmeta\.xml", text)
    ]
    assert not offenders, f"read flows through sfmeta.flow / sfmeta.flow_parts, not sfmeta.xml, in: {offenders}"


def test_every_generated_flow_element_has_a_typed_form() -> None:
    """The parts the generated flows use are all readable as typed parts, names and connectors kept."""
    from sfmeta.flow import Flow
    from sfmeta.flow_parts import ELEMENT_READERS

    flows = sorted((ROOT / "force-app").rglob("*.flow-meta.xml"))
    assert flows
    for path in flows:
        flow = Flow.from_bytes(path.read_bytes(), path.name.split(".")[0])
        start = flow.typed_start()
        assert start is not None and start.trigger_type
        for kind, node in flow.parts:
            if kind not in ELEMENT_READERS:
                continue
            part = flow.typed(kind, node)
            assert part is not None and part.name == Flow.name_of(node)
            element = flow.element(part.name)
            assert element is not None
            targets = {edge.target for edge in element.edges if edge.kind in ("next", "fault")}
            assert {t for t in (part.connector, part.fault_connector) if t} <= targets
        assert all(v.name for v in flow.variables())
