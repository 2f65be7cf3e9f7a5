"""Property tests of the validator's XML input (issue 14): a flow file with any bytes, or with
metadata-shaped XML mutated at random, gives findings with a line, never an exception. The
budget is bounded (max_examples, deadline) so CI stays fast.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from validate_helpers import FIXTURES

from validator.engine import validate
from validator.xmlio import MalformedXml, parse_file

FLOW_DIR = Path("force-app/main/default/flows")
TEMPLATE = sorted((FIXTURES / "valid_project" / FLOW_DIR).glob("*.flow-meta.xml"))[0].read_bytes()
SNIPPETS = [
    b"<!DOCTYPE Flow [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>",
    b"&x;",
    b"<![CDATA[",
    b"]]>",
    b"<",
    b">",
    b"</",
    b"<?xml version='1.0'?>",
    b"\x00",
    b"\xff\xfe",
    b"<apiVersion>67.0</apiVersion>",
    b"<stringValue>zzz</stringValue>",
    b"<name>r_currency</name>",
    b"<!--",
    b"-->",
    b"&#0;",
    b"&#x1;",
]


def _validate_with(flow: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(FIXTURES / "valid_project", root, dirs_exist_ok=True)
        (root / FLOW_DIR / "Fuzzed.flow-meta.xml").write_bytes(flow)
        report = validate(root)
        for finding in report.findings:
            assert finding.line >= 0 and finding.message


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_parse_file_accepts_or_reports_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.flow-meta.xml"
        path.write_bytes(data)
        try:
            parse_file(path)
        except MalformedXml as exc:
            assert exc.line >= 0 and exc.message


@settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(TEMPLATE)), st.sampled_from(SNIPPETS)), max_size=4))
def test_mutated_flow_gives_findings_not_exceptions(edits: list[tuple[int, bytes]]) -> None:
    flow = TEMPLATE
    for position, snippet in sorted(edits, reverse=True):
        flow = flow[:position] + snippet + flow[position:]
    _validate_with(flow)
