"""Each Salesforce fact is coded once, in sfmeta (issue 15): no other package of the tool spells
out the Metadata API namespace, reads the WSDL, or parses metadata (flow) XML on its own.

A grep over the source tree: simple on purpose, so a copy cannot slip in under a new name of
an old helper. Non-metadata XML (SOAP envelopes) and the places other work still owns are
listed with the reason; the list only shrinks.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sfpay", "generator", "validator", "stripesim", "orgsim", "harness", "pipeline")

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
