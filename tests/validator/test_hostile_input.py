"""Hostile trees and configuration (issue 14, item 11): clean findings or errors, never a
traceback, a hang or a read outside the project.

Before the fix: a DOCTYPE with an external entity raised XMLSchemaValidateError; a flow file
that is a symlink to /dev/zero grew memory without bound and a FIFO hung; non-UTF-8 or 50k-deep
`.sfpay-validate.yml` and 100k-deep `sfdx-project.json` were tracebacks; and
`packageDirectories: [{"path": "/etc"}]` validated /etc.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from validate_helpers import FIXTURES, findings_of, run_validate

FLOW = "force-app/main/default/flows"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid_project", target)
    return target


def a_flow(project: Path) -> Path:
    return sorted((project / FLOW).glob("*.flow-meta.xml"))[0]


def test_doctype_with_external_entity_is_a_finding(project: Path) -> None:
    flow = a_flow(project)
    text = flow.read_text(encoding="utf-8")
    head, rest = text.split("\n", 1)
    flow.write_text(
        head
        + '\n<!DOCTYPE Flow [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        + rest.replace("<label>", "<label>&xxe;", 1),
        encoding="utf-8",
    )
    result = run_validate("--format", "json", cwd=project)
    findings = findings_of(result)
    assert result.returncode == 1
    assert [(f["rule_id"], f["line"]) for f in findings if f["file"].endswith(flow.name)] == [("xml-malformed", 2)]
    assert "DOCTYPE declaration is not allowed" in result.stdout
    assert "root:" not in result.stdout, "no file content may leak into the report"


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_flow_that_is_not_a_regular_file_is_refused(project: Path, target: str) -> None:
    link = project / FLOW / "Evil.flow-meta.xml"
    if target == "fifo":
        os.mkfifo(link)
    else:
        link.symlink_to(target)
    result = run_validate("--format", "json", cwd=project)
    findings = findings_of(result)
    assert result.returncode == 1
    evil = [f for f in findings if f["file"].endswith("Evil.flow-meta.xml")]
    assert [f["rule_id"] for f in evil] == ["unknown-file-type"]
    assert "not a regular file" in evil[0]["message"]


def test_symlink_out_of_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.flow-meta.xml"
    shutil.copy(a_flow(project), outside)
    (project / FLOW / "Borrowed.flow-meta.xml").symlink_to(outside)
    findings = findings_of(run_validate("--format", "json", cwd=project))
    borrowed = [f for f in findings if f["file"].endswith("Borrowed.flow-meta.xml")]
    assert [f["rule_id"] for f in borrowed] == ["unknown-file-type"]
    assert "outside the validated folder" in borrowed[0]["message"]


def test_oversized_flow_is_refused_without_reading_it_whole(project: Path) -> None:
    big = project / FLOW / "Big.flow-meta.xml"
    with big.open("wb") as handle:
        handle.truncate(9 * 1024 * 1024)  # sparse: no disk used
    findings = findings_of(run_validate("--format", "json", cwd=project))
    big_findings = [f for f in findings if f["file"].endswith("Big.flow-meta.xml")]
    assert [f["rule_id"] for f in big_findings] == ["xml-malformed"]
    assert "larger than" in big_findings[0]["message"]


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"rules:\n  hardcoded-url: off\n# caf\xe9\n", ".sfpay-validate.yml:3: not valid YAML: byte 0xe9 is not UTF-8"),
        (
            b"rules: " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
            ".sfpay-validate.yml:1: not valid YAML: nested more than 64",
        ),
    ],
    ids=["latin1", "50k-deep"],
)
def test_hostile_config_is_a_located_error(project: Path, content: bytes, expected: str) -> None:
    (project / ".sfpay-validate.yml").write_bytes(content)
    result = run_validate(cwd=project)
    assert result.returncode == 1
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert expected in result.stderr


def test_deep_sfdx_project_json_is_a_clear_error(project: Path) -> None:
    (project / "sfdx-project.json").write_text("[" * 100_000 + "]" * 100_000)
    for args in ((), (".",)):
        result = run_validate(*args, cwd=project)
        assert result.returncode == 1, args
        assert result.stdout == "" and "Traceback" not in result.stderr
        assert "sfdx-project.json: nested too deeply" in result.stderr


@pytest.mark.parametrize("path", ["/etc", "../..", "force-app/../.."])
def test_package_directory_outside_the_project_is_refused(project: Path, path: str) -> None:
    (project / "sfdx-project.json").write_text(json.dumps({"packageDirectories": [{"path": path, "default": True}]}))
    for args in ((), (".",)):
        result = run_validate(*args, cwd=project)
        assert result.returncode == 1, args
        assert result.stdout == "" and "Traceback" not in result.stderr
        assert "is outside the project" in result.stderr
