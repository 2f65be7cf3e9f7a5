"""Every bad-input corpus case gives exactly its expected findings, through the real CLI."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML
from validate_helpers import CORPUS, findings_of, run_validate

from validator.rules import RULES

CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.yml").is_file())


def expected_findings(case: str) -> list[dict]:
    data = YAML(typ="safe").load((CORPUS / case / "expected.yml").read_text(encoding="utf-8"))
    return data["findings"]


@pytest.mark.parametrize("case", CASES)
def test_corpus_case_gives_exactly_its_findings(case):
    result = run_validate("force-app", "--format", "json", cwd=CORPUS / case)
    found = [
        {"rule": f["rule_id"], "file": f["file"], "line": f["line"], "message": f["message"]}
        for f in findings_of(result)
    ]
    assert found == expected_findings(case)
    assert result.returncode == 1, "every corpus case has at least one error"


def test_every_rule_has_a_failing_corpus_case():
    covered = {finding["rule"] for case in CASES for finding in expected_findings(case)}
    assert {rule.id for rule in RULES} - covered == set()


def test_every_corpus_finding_has_a_location_and_a_hint():
    for case in ["unresolved_reference", "callout_after_dml", "malformed_xml"]:
        result = run_validate("force-app", "--format", "json", cwd=CORPUS / case)
        for finding in findings_of(result):
            assert finding["file"].startswith("force-app/")
            assert finding["line"] > 0
            assert finding["hint"]


def test_text_output_names_file_line_rule_and_hint():
    result = run_validate("force-app", cwd=CORPUS / "dangling_connector")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "force-app/main/default/flows/Dangling.flow-meta.xml:17: error connector-target-missing: "
        "next connector of `Set_Name` targets `Does_Not_Exist`: no element has that name"
    )
    assert lines[1].startswith("    hint: Point the connector's targetReference")
    assert lines[-1] == "1 files, 1 flows checked: 1 error(s), 0 warning(s)"
    assert result.stderr == ""


def test_every_rule_is_documented():
    from validate_helpers import WORKTREE

    docs = (WORKTREE / "docs" / "validator.md").read_text(encoding="utf-8")
    assert [rule.id for rule in RULES if f"| `{rule.id}` |" not in docs] == []
