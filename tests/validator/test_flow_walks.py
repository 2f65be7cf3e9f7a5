"""The flow walks that look only at some elements (found by lxml in C) answer exactly what a
walk over every element answers: the same references, literals, merge-syntax findings and edges, in
the same order, on every flow of the fixtures, the corpus and the generated tree, and on a
flow made to hold every case the walks tell apart."""

from __future__ import annotations

from types import SimpleNamespace

from lxml import etree
from validate_helpers import WORKTREE, metadata_documents

from sfmeta.flow import CONNECTOR_TAGS, NODE_KINDS, Edge, Flow
from sfmeta.xml import child, children, line_of, local, stripped
from validator.flow.references import _NON_EVALUATED_TAGS, MERGE_FIELD, REFERENCE_TAGS, Reference, references
from validator.rules._literals import _LITERAL_TAGS, literals
from validator.rules.merge_syntax_in_value import MergeSyntaxInValue

_BUILDER = "processMetadataValues"


def every_reference(root):
    """Each element, its tag read: references as the validator has always defined them."""
    for top in children(root):
        if local(top.tag) == _BUILDER:
            continue
        owner = stripped(top, "name")
        for node in top.iter():
            tag = local(node.tag)
            if not tag or tag in _NON_EVALUATED_TAGS or node.text is None:
                continue
            if tag == _BUILDER or (tag == "stringValue" and _in_builder(node, top)):
                continue
            value = node.text.strip()
            if not value:
                continue
            if tag in REFERENCE_TAGS:
                yield Reference(value, line_of(node), owner)
            elif "{!" in value:
                for match in MERGE_FIELD.finditer(node.text):
                    yield Reference(match.group(1), line_of(node) + node.text.count("\n", 0, match.start()), owner)


def _in_builder(node, top) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not top:
        if local(parent.tag) == _BUILDER:
            return True
        parent = parent.getparent()
    return False


def every_edge(root):
    """(element name, edges) of every canvas element, each element's every descendant read."""
    for node in children(root):
        name = stripped(node, "name")
        if local(node.tag) not in NODE_KINDS or not name:
            continue
        edges = []
        for item in node.iter():
            kind = CONNECTOR_TAGS.get(local(item.tag))
            if kind is None or item is node:
                continue
            reference = child(item, "targetReference")
            if reference is not None and reference.text and reference.text.strip():
                edges.append(Edge(name, reference.text.strip(), kind, line_of(reference, line_of(item))))
        yield name, edges


def every_literal(root):
    for top in root:
        owner_tag = local(top.tag)
        if not owner_tag or owner_tag == _BUILDER:
            continue
        owner = None
        for node in top.iter():
            tag = local(node.tag)
            if tag == "name" and node.getparent() is top:
                owner = (node.text or "").strip()
            if tag in _LITERAL_TAGS and node.text and node.text.strip():
                yield owner, node.text, node.sourceline or 0


def every_merge_syntax_value(root):
    for top in root:
        owner = None
        for node in top.iter():
            tag = local(node.tag)
            if tag == "name" and node.getparent() is top:
                owner = (node.text or "").strip()
            if tag == "stringValue" and node.text and "{!" in node.text:
                yield node.sourceline or 0, node.text, owner


TRICKY = b"""<?xml version="1.0" encoding="UTF-8"?>
<Flow xmlns="http://soap.sforce.com/2006/04/metadata">
    <!-- a comment with {!Not_A_Reference} -->
    <actionCalls>
        <description>{!Documentation_Only}</description>
        <inputParameters>
            <name>amount</name>
            <value>
                <stringValue>before the name {!Var_A} and {!Var_B}</stringValue>
            </value>
        </inputParameters>
        <inputParameters>
            <name>customer</name>
            <value>
                <elementReference>  Get_Account.Id  </elementReference>
            </value>
        </inputParameters>
        <label>Call {!Label_Only}</label>
        <name>Call_Stripe</name>
        <processMetadataValues>
            <name>builder</name>
            <value>
                <stringValue>{!Builder_Text}</stringValue>
                <elementReference>Builder_Reference</elementReference>
            </value>
        </processMetadataValues>
        <faultConnector>
            <targetReference>Handle_Fault</targetReference>
        </faultConnector>
        <connector><targetReference>  Next_Step </targetReference></connector>
    </actionCalls>
    <decisions>
        <name>Is_Paid</name>
        <defaultConnector><targetReference>Not_Paid</targetReference></defaultConnector>
        <rules>
            <name>Paid</name>
            <connector>
                <!-- nested in a rule -->
                <targetReference>Mark_Paid</targetReference>
            </connector>
        </rules>
        <rules><name>Empty</name><connector><targetReference> </targetReference></connector></rules>
    </decisions>
    <connector><targetReference>Top_Level_Connector</targetReference></connector>
    <formulas>
        <name>Total</name>
        <expression><![CDATA[{!Amount} +
 {!  Tax  }]]></expression>
        <elementReference></elementReference>
        <elementReference xmlns="">No_Namespace</elementReference>
        <text>https://example.com/{!Path}</text>
    </formulas>
    <processMetadataValues>
        <name>BuilderType</name>
        <value>
            <stringValue>{!Top_Builder}</stringValue>
            <elementReference>Top_Builder_Reference</elementReference>
        </value>
    </processMetadataValues>
    <?pi {!In_A_Processing_Instruction}?>
    <textTemplates>
        <text>Dear {!$Record.Name},
 see {!Link}</text>
        <name>Body</name>
    </textTemplates>
</Flow>
"""


def _flows():
    yield "tricky", etree.fromstring(TRICKY)
    for path, root in metadata_documents({"Flow"}):
        yield str(path), root
    for path in sorted((WORKTREE / "force-app").rglob("*.flow-meta.xml")):
        yield str(path), etree.parse(str(path)).getroot()


def test_the_tricky_flow_holds_every_case() -> None:
    found = [(r.text, r.element) for r in references(SimpleNamespace(root=etree.fromstring(TRICKY)))]
    assert found == [
        ("Var_A", "Call_Stripe"),
        ("Var_B", "Call_Stripe"),
        ("Get_Account.Id", "Call_Stripe"),
        ("Builder_Reference", "Call_Stripe"),
        ("Amount", "Total"),
        ("Tax", "Total"),
        ("No_Namespace", "Total"),
        ("Path", "Total"),
        ("$Record.Name", "Body"),
        ("Link", "Body"),
    ]


def test_the_tricky_flow_has_its_edges() -> None:
    edges = [(e.source, e.target, e.kind) for e in Flow(etree.fromstring(TRICKY), "Tricky").all_edges()]
    assert edges == [
        ("Call_Stripe", "Handle_Fault", "fault"),
        ("Call_Stripe", "Next_Step", "next"),
        ("Is_Paid", "Not_Paid", "default"),
        ("Is_Paid", "Mark_Paid", "next"),
    ]


def test_references_literals_and_merge_syntax_match_a_walk_over_every_element() -> None:
    checked = 0
    for name, root in _flows():
        flow = SimpleNamespace(root=root, file=SimpleNamespace(display=name))
        assert list(references(flow)) == list(every_reference(root)), name
        assert list(literals(flow)) == list(every_literal(root)), name
        expected = [(line, text, owner) for line, text, owner in every_merge_syntax_value(root)]
        findings = list(MergeSyntaxInValue().check(flow, None))
        assert len(findings) == len(expected), name
        for finding, (line, text, owner) in zip(findings, expected, strict=True):
            assert finding.line == line and f"`{text}`" in finding.message, name
            assert (f" in `{owner}`" in finding.message) == bool(owner), name
        model = Flow(root, "Tricky")
        expected_edges = dict(every_edge(root))
        assert {e.name: e.edges for e in model.nodes() if e.name in expected_edges} == expected_edges, name
        checked += 1
    assert checked > 30
