"""Valid source trees pass: hand-written flows in several shapes (not from sfpay's generator)."""

from __future__ import annotations

import json
import shutil

from lxml import etree
from validate_helpers import FIXTURES, findings_of, run_validate

VALID = FIXTURES / "valid_project"


def test_valid_project_has_no_findings():
    result = run_validate("force-app", "--format", "json", "--strict", cwd=VALID)
    assert findings_of(result) == []
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["flows_checked"] == 6
    assert report["files_checked"] == 15  # metadata files; the .email content file rides with its -meta.xml


def test_project_root_uses_sfdx_project_package_directories():
    result = run_validate(".", "--format", "json", cwd=VALID)
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["flows_checked"] == 6


def test_single_flow_file_can_be_validated():
    flow = "force-app/main/default/flows/Close_Open_Tasks.flow-meta.xml"
    result = run_validate(flow, "--format", "json", cwd=VALID)
    assert findings_of(result) == []
    assert result.returncode == 0


def test_single_file_is_checked_in_the_context_of_its_package():
    # The flow uses custom fields defined elsewhere in the package: they must resolve.
    flow = "force-app/main/default/flows/Opportunity_Create_Stripe_Invoice.flow-meta.xml"
    result = run_validate(flow, "--format", "json", cwd=VALID)
    assert findings_of(result) == []
    report = json.loads(result.stdout)
    assert (report["files_checked"], report["flows_checked"], report["path"]) == (1, 1, flow)


def test_single_file_reports_only_its_own_findings(tmp_path):
    project = tmp_path / "proj"
    shutil.copytree(VALID, project)
    (project / "force-app/main/default/flows/Close_Open_Tasks.flow-meta.xml").write_text("<Flow>")
    field = "force-app/main/default/objects/Opportunity/fields/Stripe_Invoice_URL__c.field-meta.xml"
    result = run_validate(field, "--format", "json", cwd=project)
    assert findings_of(result) == [] and result.returncode == 0
    broken = run_validate(
        "force-app/main/default/flows/Close_Open_Tasks.flow-meta.xml", "--format", "json", cwd=project
    )
    assert [f["rule_id"] for f in findings_of(broken)] == ["xml-malformed"]


def test_text_report_summary_on_success():
    result = run_validate("force-app", cwd=VALID)
    assert result.returncode == 0
    assert result.stdout == "15 files, 6 flows checked: 0 error(s), 0 warning(s)\n"


def test_sarif_and_junit_reports_are_well_formed_for_a_failing_tree(tmp_path):
    case = FIXTURES.parent / "corpus" / "callout_after_dml"
    sarif = run_validate("force-app", "--format", "sarif", cwd=case)
    assert sarif.returncode == 1
    document = json.loads(sarif.stdout)
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    results = run["results"]
    assert {r["ruleId"] for r in results} == {"callout-after-dml"}
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [26, 3, 26]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in results)

    junit = run_validate("force-app", "--format", "junit", cwd=case)
    assert junit.returncode == 1
    suite = etree.fromstring(junit.stdout.encode())
    failures = suite.findall("testcase/failure")
    assert [f.get("type") for f in failures] == ["callout-after-dml"]
    assert suite.get("failures") == "1"
    assert "Write_Then_Call.flow-meta.xml:3:" in failures[0].text


def test_output_file_is_written_and_summary_goes_to_stderr(tmp_path):
    target = tmp_path / "reports" / "validate.sarif"
    result = run_validate("force-app", "--format", "sarif", "--output", str(target), cwd=VALID)
    assert result.returncode == 0
    assert result.stdout == ""
    assert json.loads(target.read_text())["runs"][0]["results"] == []
    assert "0 error(s)" in result.stderr
    assert [p.name for p in target.parent.iterdir()] == ["validate.sarif"]  # no temp files left


def test_copy_of_valid_project_elsewhere_reports_absolute_paths(tmp_path):
    tree = tmp_path / "proj"
    shutil.copytree(VALID, tree)
    flow = tree / "force-app/main/default/flows/Close_Open_Tasks.flow-meta.xml"
    flow.write_text(
        flow.read_text().replace(
            "<targetReference>Update_Tasks</targetReference>", "<targetReference>Update_Task</targetReference>"
        )
    )
    result = run_validate(str(tree / "force-app"), "--format", "json", cwd=VALID)
    found = findings_of(result)
    assert [(f["rule_id"], f["file"], f["line"]) for f in found] == [
        (
            "element-unreachable",
            flow.resolve().as_posix(),
            39,
        ),  # Report_Failure: only Update_Tasks' fault path led there
        ("connector-target-missing", flow.resolve().as_posix(), 67),
        ("element-unreachable", flow.resolve().as_posix(), 99),  # Update_Tasks
    ]
