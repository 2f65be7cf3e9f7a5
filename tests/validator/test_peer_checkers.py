"""The Node peer checkers in tools/checkers behave as CI relies on (needs `npm ci` there first)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from validate_helpers import CORPUS, FIXTURES, WORKTREE

CHECKERS = WORKTREE / "tools" / "checkers"
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None,
    reason="Node 20 and npm are needed for the peer checkers",
)


@pytest.fixture(scope="module", autouse=True)
def installed_checkers():
    """`npm ci` from the committed lockfile when a fresh clone has no node_modules yet."""
    if (CHECKERS / "node_modules" / "@flow-scanner").is_dir():
        return
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=CHECKERS,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"npm ci in tools/checkers failed:\n{result.stderr}"


def node(script, *args, cwd=WORKTREE, env=None):
    return subprocess.run(
        ["node", str(script), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_scanner_reports_error_level_violations_with_lines():
    # The scanner only walks the immediate path from the start (6.6.0 ignores scheduled
    # paths), so this case puts the lookup without a fault path there.
    case = CORPUS / "callout_immediate_path" / "force-app"
    result = node(CHECKERS / "run-flow-scanner.js", "--json", case)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    faults = [(v["name"], v["severity"], v["line"]) for v in report["violations"] if v["rule"] == "MissingFaultPath"]
    assert faults == [("Get_Stripe_Account", "error", 45)]  # its <name> line
    assert report["errors"] >= 1


def test_scanner_configuration_must_account_for_every_rule(tmp_path):
    shutil.copy(CHECKERS / "run-flow-scanner.js", tmp_path)
    config = json.loads((CHECKERS / "flow-scanner.config.json").read_text())
    del config["rules"]["HardcodedUrl"]
    del config["rules"]["TriggerOrder"]
    config["disabled"]["TriggerOrder"] = "no"
    config["rules"]["FlowName"]["severity"] = "warning"
    (tmp_path / "flow-scanner.config.json").write_text(json.dumps(config))
    result = node(
        tmp_path / "run-flow-scanner.js",
        CORPUS / "missing_fault_path" / "force-app",
        env={"NODE_PATH": str(CHECKERS / "node_modules")},
    )
    assert result.returncode == 2
    assert "rule HardcodedUrl is neither enabled nor disabled with a reason" in result.stderr
    assert "rule TriggerOrder is disabled without a real justification" in result.stderr
    assert "rule FlowName runs at severity warning without a reason under not_error" in result.stderr


def test_source_deploy_retrieve_converts_a_valid_tree(tmp_path):
    result = node(CHECKERS / "convert-source.js", FIXTURES / "valid_project" / "force-app", tmp_path / "mdapi")
    assert result.returncode == 0, result.stderr
    assert "Flow: 6" in result.stdout.splitlines()
    package = (tmp_path / "mdapi" / "package.xml").read_text()
    assert "<name>Flow</name>" in package and "<name>CustomField</name>" in package
    assert (tmp_path / "mdapi" / "flows" / "Close_Open_Tasks.flow").is_file()


def test_source_deploy_retrieve_rejects_an_unknown_type():
    result = node(CHECKERS / "convert-source.js", CORPUS / "unknown_file_type" / "force-app")
    assert result.returncode == 1
    assert "Dial.widget-meta.xml" in result.stderr


def test_generated_flows_have_no_finding_under_the_default_rules():
    """Issue 12, defect 9: every default rule enabled, none disabled, no exceptions: 0 findings."""
    config = json.loads((CHECKERS / "flow-scanner.config.json").read_text())
    assert config["disabled"] == {} and config["exceptions"] == {}
    result = node(CHECKERS / "run-flow-scanner.js", "--json", WORKTREE / "force-app")
    assert result.returncode == 0, result.stdout[-3000:]
    assert json.loads(result.stdout)["violations"] == []
