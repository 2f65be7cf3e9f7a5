"""Configuration (.sfpay-validate.yml) and user errors: clear messages, exit 1, no traceback."""

from __future__ import annotations

import json
import shutil

from validate_helpers import CORPUS, FIXTURES, findings_of, run_validate

from validator.rules import RULES


def copy_case(tmp_path, name="callout_after_dml"):
    target = tmp_path / name
    shutil.copytree(CORPUS / name, target)
    (target / "expected.yml").unlink()
    return target


def test_rule_can_be_disabled(tmp_path):
    case = copy_case(tmp_path)
    (case / ".sfpay-validate.yml").write_text("rules:\n  callout-after-dml: off\n")
    result = run_validate("force-app", "--format", "json", cwd=case)
    assert findings_of(result) == []
    assert result.returncode == 0


def test_severity_override_makes_warnings_that_fail_only_with_strict(tmp_path):
    case = copy_case(tmp_path)
    (case / ".sfpay-validate.yml").write_text("rules:\n  callout-after-dml: warning\n")
    result = run_validate("force-app", "--format", "json", cwd=case)
    assert {f["severity"] for f in findings_of(result)} == {"warning"}
    assert result.returncode == 0
    strict = run_validate("force-app", "--strict", cwd=case)
    assert strict.returncode == 1
    assert strict.stdout.splitlines()[-1] == "2 files, 2 flows checked: 0 error(s), 3 warning(s)"


def test_config_is_found_in_a_parent_directory(tmp_path):
    case = copy_case(tmp_path)
    (tmp_path / ".sfpay-validate.yml").write_text("rules:\n  callout-after-dml: note\n")
    result = run_validate("force-app", "--format", "json", "--strict", cwd=case)
    assert {f["severity"] for f in findings_of(result)} == {"note"}
    assert result.returncode == 0


def test_known_fields_from_config_make_org_fields_resolve(tmp_path):
    case = copy_case(tmp_path, "unknown_field")
    (case / ".sfpay-validate.yml").write_text(
        "known_fields:\n  Opportunity: [Stripe_Status__c, Stripe_Invoice_Number__c]\n  Account: [Stripe_Customer__c]\n"
    )
    result = run_validate("force-app", "--format", "json", cwd=case)
    assert findings_of(result) == []


def test_unknown_rule_id_in_config_is_a_located_error(tmp_path):
    case = copy_case(tmp_path)
    (case / ".sfpay-validate.yml").write_text("rules:\n  hardcoded-url: off\n  callout-after-dml-typo: off\n")
    result = run_validate("force-app", cwd=case)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert ".sfpay-validate.yml:3: unknown rule id `callout-after-dml-typo`" in result.stderr


def test_bad_severity_and_broken_yaml_are_located_errors(tmp_path):
    case = copy_case(tmp_path)
    config = case / ".sfpay-validate.yml"
    config.write_text("rules:\n  hardcoded-url: fatal\n")
    result = run_validate("force-app", cwd=case)
    assert result.returncode == 1
    assert ":2: rule `hardcoded-url`: expected off, error, warning or note, got `fatal`" in result.stderr
    config.write_text("rules:\n  hardcoded-url: [off\n")
    result = run_validate("force-app", cwd=case)
    assert result.returncode == 1
    assert "not valid YAML" in result.stderr and "Traceback" not in result.stderr


def test_missing_path_is_a_clear_error():
    result = run_validate("no-such-dir", cwd=FIXTURES)
    assert result.returncode == 1
    assert result.stdout == ""
    # Issue 13: the absolute path, and what was looked for.
    assert result.stderr == (
        f"sfpay validate: error: {(FIXTURES / 'no-such-dir').resolve()}: no such file or "
        "directory (the SFDX folder, project or file to validate)\n"
    )


def test_broken_sfdx_project_json_is_a_clear_error(tmp_path):
    (tmp_path / "sfdx-project.json").write_text('{"packageDirectories": [{"default": true}]}')
    result = run_validate(".", cwd=tmp_path)
    assert result.returncode == 1
    assert "sfdx-project.json: cannot read packageDirectories[].path" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_format_is_a_usage_error():
    result = run_validate("force-app", "--format", "xml", cwd=FIXTURES / "valid_project")
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


def test_list_rules_names_every_rule():
    result = run_validate("--list-rules", cwd=FIXTURES)
    assert result.returncode == 0
    ids = [line.split()[0] for line in result.stdout.splitlines()]
    assert "callout-after-dml" in ids and "schema-invalid" in ids and len(ids) == len(set(ids)) == len(RULES)


def test_garbage_in_every_metadata_file_never_tracebacks(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid_project", project)
    payloads = [
        b"",
        b"\x00\xff\xfe",
        b"<Flow>",
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
        b'<Flow xmlns="http://soap.sforce.com/2006/04/metadata"><start><connector/></start></Flow>',
    ]
    files = sorted(p for p in project.rglob("*-meta.xml"))
    for index, path in enumerate(files):
        path.write_bytes(payloads[index % len(payloads)])
    result = run_validate("force-app", "--format", "json", cwd=project)
    assert result.returncode == 1
    found = findings_of(result)
    assert {f["file"] for f in found} >= {f"force-app/{p.relative_to(project / 'force-app').as_posix()}" for p in files}
    assert all(
        f["rule_id"]
        in {
            "xml-malformed",
            "schema-invalid",
            "permset-field-missing",
            "element-unreachable",
            "email-alert-unknown",
            "email-template-missing",
            "file-pair-missing",
            "connector-target-missing",
            "field-unknown",
        }
        for f in found
    ), json.dumps(found, indent=1)


def test_forceignore_hides_files_the_cli_would_not_deploy(tmp_path):
    case = copy_case(tmp_path, "unknown_file_type")
    (case / "sfdx-project.json").write_text('{"packageDirectories": [{"path": "force-app"}]}')
    (case / ".forceignore").write_text("# tooling\n**/notes.txt\nwidgets\n!keep.txt\n")
    result = run_validate(".", "--format", "json", cwd=case)
    assert findings_of(result) == []
    assert result.returncode == 0
    (case / ".forceignore").write_text("**/notes.txt\n")
    result = run_validate("force-app", "--format", "json", cwd=case)
    assert [f["file"] for f in findings_of(result)] == ["force-app/main/default/widgets/Dial.widget-meta.xml"]
