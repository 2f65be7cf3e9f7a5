"""Adding a flow kind is one row of generator/flow_kinds.py plus its template: a throw-away
kind registered in a fresh process reaches the spec model (its own `flows.<key>` section),
the renderer, the validator and the harness's view of the spec, with no other edit."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from generator.flow_kinds import FLOW_KINDS
from sfpay.paths import PROJECT_ROOT, TEMPLATES_DIR

TEMPLATE = """\
{#- A throw-away flow kind for tests/generator/test_flow_kinds.py. -#}
{% from "flows/_elements.xml.j2" import header with context %}
<?xml version="1.0" encoding="UTF-8"?>
<Flow xmlns="http://soap.sforce.com/2006/04/metadata">
{{ header("audit") }}
<assignments>
    <name>Count_Audit</name>
    <label>Count Audit</label>
    <locationX>0</locationX>
    <locationY>0</locationY>
    <assignmentItems>
        <assignToReference>Audits</assignToReference>
        <operator>Add</operator>
        <value>{{ n(1) }}</value>
    </assignmentItems>
</assignments>
<start>
    <locationX>0</locationX>
    <locationY>0</locationY>
    <connector><targetReference>Count_Audit</targetReference></connector>
    <object>{{ ctx.flow_object("audit") }}</object>
    <recordTriggerType>{{ ctx.flow_trigger("audit") }}</recordTriggerType>
    <triggerType>RecordAfterSave</triggerType>
</start>
<triggerOrder>{{ ctx.trigger_order("audit") }}</triggerOrder>
<variables>
    <name>Audits</name>
    <dataType>Number</dataType>
    <isCollection>false</isCollection>
    <isInput>false</isInput>
    <isOutput>false</isOutput>
    <scale>0</scale>
    <value>{{ n(0) }}</value>
</variables>
</Flow>
"""

SCRIPT = """
import json, sys
from pathlib import Path

from generator.flow_kinds import FlowKind, register

register(FlowKind(key="audit", template="audit.flow-meta.xml.j2", object="Opportunity", trigger="Update",
                  trigger_order=40, max_callouts=None, api_name="Stripe_Invoice_Audit", label="Stripe Invoice Audit",
                  description="Counts Opportunity updates (a throw-away kind).", summary="audit"))

from generator.render.engine import render
from generator.spec.loader import load_spec
from generator.spec.model import Spec
from harness.spec_view import from_spec

templates, spec_path = Path(sys.argv[1]), Path(sys.argv[2])
spec = load_spec(spec_path)
files = render(spec, templates)
flow = next(name for name in files if name.endswith("flows/Audit_Renamed.flow-meta.xml"))
print(json.dumps({
    "flow_text": files[flow].decode(),
    "flow_names": list(from_spec(spec, str(spec_path)).flow_names),
    "schema_sections": sorted(Spec.model_json_schema()["$defs"]["Flows"]["properties"]),
    "default_api_name": Spec().flows.audit.api_name,
    "files": {name: data.decode() for name, data in files.items()},
}))
"""


def test_a_fifth_flow_kind_is_one_row_plus_its_template(tmp_path: Path) -> None:
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    (templates / "flows" / "audit.flow-meta.xml.j2").write_text(TEMPLATE, encoding="utf-8")
    spec = tmp_path / "spec.yml"
    spec.write_text("flows:\n  audit:\n    api_name: Audit_Renamed\n    label: Audit Renamed\n", encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT), str(templates), str(spec)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert "<recordTriggerType>Update</recordTriggerType>" in out["flow_text"]
    assert "<triggerOrder>40</triggerOrder>" in out["flow_text"]
    assert "<label>Audit Renamed</label>" in out["flow_text"]
    assert out["flow_names"][-1] == "Audit_Renamed" and len(out["flow_names"]) == len(FLOW_KINDS) + 1
    assert "audit" in out["schema_sections"] and out["default_api_name"] == "Stripe_Invoice_Audit"

    # The rendered tree, the new flow included, passes the validator.
    tree = tmp_path / "force-app"
    for name, text in out["files"].items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(text, encoding="utf-8")
    validate = subprocess.run(
        [sys.executable, "-m", "sfpay", "validate", str(tree)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr


def test_docs_list_every_flow_kind() -> None:
    text = (PROJECT_ROOT / "docs" / "generator.md").read_text(encoding="utf-8")
    for kind in FLOW_KINDS:
        assert f"`{kind.section}`" in text and f"`{kind.template}`" in text, kind.key
