"""The commands as users run them: exit codes, messages, nothing written on error."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gen_support import DEFAULT_SPEC, EU_SPEC

from sfpay.paths import PROJECT_ROOT

BAD = Path(__file__).parent / "bad_specs" / "cross_references.yml"


def sfpay(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sfpay", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_generate_writes_the_tree(tmp_path):
    out = tmp_path / "force-app"
    result = sfpay("generate", "--spec", str(EU_SPEC), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "wrote 31 files" in result.stdout
    assert (out / "main/default/flows/EU_Invoice_On_Create.flow-meta.xml").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".force-app")], "staging left behind"


def test_generate_replaces_stale_files(tmp_path):
    out = tmp_path / "force-app"
    stale = out / "main/default/flows/Old_Flow.flow-meta.xml"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    assert sfpay("generate", "--spec", str(DEFAULT_SPEC), "--out", str(out)).returncode == 0
    assert not stale.exists()


def test_bad_spec_exits_1_lists_problems_and_writes_nothing(tmp_path):
    out = tmp_path / "force-app"
    result = sfpay("generate", "--spec", str(BAD), "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert f"{BAD}:10: events[\"invoice.paid\"]: 'Payed' is not a payment status value" in result.stderr
    assert "20 problem(s)" in result.stderr and "nothing written" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_bad_spec_leaves_an_existing_tree_untouched(tmp_path):
    out = tmp_path / "force-app"
    assert sfpay("generate", "--spec", str(DEFAULT_SPEC), "--out", str(out)).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sfpay("generate", "--spec", str(BAD), "--out", str(out)).returncode == 1
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before == after


@pytest.mark.parametrize(
    "args", [["--spec", "does/not/exist.yml"], ["--spec", "tests/generator/bad_specs/syntax_error.yml"]]
)
def test_unreadable_specs_are_user_errors(args, tmp_path):
    result = sfpay("generate", *args, "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # The message names the spec by its absolute path (issue 13: "not found" says where).
    assert str((PROJECT_ROOT / args[1]).resolve()) in result.stderr


def test_check_passes_on_the_committed_tree():
    result = sfpay("generate", "--check")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_check_names_differing_missing_and_extra_files(tmp_path):
    out = tmp_path / "force-app"
    shutil.copytree(PROJECT_ROOT / "force-app", out)
    flow = out / "main/default/flows/Stripe_Payment_Reminder.flow-meta.xml"
    flow.write_bytes(flow.read_bytes().replace(b"<offsetNumber>30<", b"<offsetNumber>31<"))
    (out / "main/default/workflows/Opportunity.workflow-meta.xml").unlink()
    (out / "main/default/flows/Hand_Made.flow-meta.xml").write_text("x")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = sfpay("generate", "--check", "--out", str(out))
    assert result.returncode == 1
    assert f"differs: {flow}" in result.stderr
    assert "missing: " in result.stderr and "Opportunity.workflow-meta.xml" in result.stderr
    assert "extra:   " in result.stderr and "Hand_Made.flow-meta.xml" in result.stderr
    assert before == {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}, "--check must not write"


def test_spec_schema_is_json_schema_of_the_spec():
    result = sfpay("spec", "schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["title"] == "sfpay spec"
    assert {"stripe", "invoicing", "fields", "events", "reminders", "record_types", "flows"} <= set(
        schema["properties"]
    )
    assert schema["additionalProperties"] is False


def test_diagram_writes_one_mermaid_file_per_flow(tmp_path):
    result = sfpay("diagram", "--out", str(tmp_path / "flows"))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "flows").iterdir())
    assert names == [
        "Stripe_Event_Update_Opportunity_Status.md",
        "Stripe_Invoice_On_Opportunity_Create.md",
        "Stripe_Invoice_On_Opportunity_Update.md",
        "Stripe_Payment_Reminder.md",
    ]


def test_diagram_check_passes_on_committed_docs():
    result = sfpay("diagram", "--check")
    assert result.returncode == 0, result.stderr


def test_diagram_without_flows_is_a_user_error(tmp_path):
    result = sfpay("diagram", "--flows", str(tmp_path), "--out", str(tmp_path / "d"))
    assert result.returncode == 1
    assert "no *.flow-meta.xml files" in result.stderr and "Traceback" not in result.stderr


def test_refuses_to_replace_a_directory_with_foreign_files(tmp_path):
    out = tmp_path / "project"
    (out / "main/default/classes").mkdir(parents=True)
    apex = out / "main/default/classes/Handwritten.cls"
    apex.write_text("public class Handwritten {}")
    result = sfpay("generate", "--out", str(out))
    assert result.returncode == 1
    # A folder the generator never writes is named as a whole: the check does not walk it.
    assert "holds files the generator does not write (main/default/classes/)" in result.stderr
    assert "Traceback" not in result.stderr
    assert apex.read_text() == "public class Handwritten {}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"], "no staging directory left behind"


def test_output_path_that_is_a_file_is_a_user_error(tmp_path):
    target = tmp_path / "force-app"
    target.write_text("not a directory")
    result = sfpay("generate", "--out", str(target))
    assert result.returncode == 1
    assert "exists and is not a directory" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text() == "not a directory"


def test_spec_check_accepts_good_and_lists_problems_of_bad_specs(tmp_path):
    good = sfpay("spec", "check", str(EU_SPEC))
    assert good.returncode == 0, good.stderr
    assert (
        "is valid: currency eur, 4 mapped events, 2 reminder offset(s), record types Member, Sponsor, Grant."
        in good.stdout
    )
    bad = sfpay("spec", "check", str(BAD))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.splitlines()[-1] == f"20 problem(s) in {BAD}."
    assert list(tmp_path.iterdir()) == []
