"""Mermaid diagrams show every element and every connector of the flow XML."""

from __future__ import annotations

import pytest
from gen_flowxml import nodes, parse, text
from gen_support import flows_of

from generator.diagram import DiagramError, flow_to_mermaid


def test_every_element_and_connector_is_drawn(rendered):
    _, files = rendered
    for api, data in flows_of(files).items():
        _, doc = flow_to_mermaid(data, f"{api}.flow-meta.xml")
        root = parse(data)
        for name, (tag, element) in nodes(root).items():
            assert f"    {name}" in doc, f"{api}: {name} missing"
            fault = text(element, "faultConnector/targetReference")
            if fault:
                assert f"{name} -.->|fault| {fault}" in doc
            nxt = text(element, "connector/targetReference")
            if nxt and tag != "decisions":
                assert f"{name} --> {nxt}" in doc
        assert doc.count("```") == 2


def test_labels_with_quotes_are_escaped():
    xml = (
        b'<Flow xmlns="http://soap.sforce.com/2006/04/metadata"><assignments><name>A</name>'
        b'<label>Say "hi"</label></assignments><label>F</label>'
        b"<start><connector><targetReference>A</targetReference></connector></start></Flow>"
    )
    _, doc = flow_to_mermaid(xml, "F.flow-meta.xml")
    assert 'A["Say #quot;hi#quot;"]' in doc


@pytest.mark.parametrize("xml", [b"not xml", b'<Other xmlns="x"/>', b'<Flow xmlns="x"><label>n</label></Flow>'])
def test_bad_flow_files_are_reported(xml):
    with pytest.raises(DiagramError):
        flow_to_mermaid(xml, "bad.flow-meta.xml")
