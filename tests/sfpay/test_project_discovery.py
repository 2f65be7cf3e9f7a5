"""Every command works on the project found from the current folder; the local stack knows
which project and spec it serves and refuses to serve another project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sfpay.project import ProjectError, discover


def _sfpay(cwd: Path, *args: str, state: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SFPAY_STATE_DIR"}
    env["COLUMNS"] = "200"
    if state is not None:
        env["SFPAY_STATE_DIR"] = str(state)
    result = subprocess.run(
        [sys.executable, "-m", "sfpay", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def two_projects(tmp_path) -> tuple[Path, Path]:
    for name, client in (("a", "Alpha Trust"), ("b", "Beta Fund")):
        assert _sfpay(tmp_path, "init", name, "--client", client).returncode == 0
    return tmp_path / "a", tmp_path / "b"


def test_discovery_walks_up_and_names_what_it_looked_for(two_projects, tmp_path):
    a, _ = two_projects
    (a / "force-app" / "main").mkdir(parents=True)
    found = discover(start=a / "force-app" / "main")
    assert (found.root, found.spec, found.package_dir, found.own_spec) == (a, a / "sfpay.yml", a / "force-app", True)
    (tmp_path / "empty").mkdir()
    with pytest.raises(
        ProjectError, match=f"no sfpay project in {tmp_path / 'empty'} .*sfpay.yml or sfdx-project.json"
    ):
        discover(start=tmp_path / "empty")
    missing = _sfpay(a, "generate", "--spec", "nope.yml")
    assert missing.returncode == 1 and f"spec file not found: {a / 'nope.yml'}" in missing.stderr


def test_stack_serves_one_project_and_says_which(two_projects, tmp_path):
    a, b = two_projects
    shared = tmp_path / "shared-state"  # e.g. an SFPAY_STATE_DIR exported for both
    up = _sfpay(a, "local", "up", "--json", state=shared)
    try:
        assert up.returncode == 0, up.stderr
        started = json.loads(up.stdout)
        assert started["project_root"] == str(a) and started["spec"] == str(a / "sfpay.yml")
        assert started["stripe_account_name"] == "Alpha Trust"

        status = _sfpay(a, "local", "status", "--json", state=shared)
        assert status.returncode == 0
        shown = json.loads(status.stdout)
        # One shape for both commands (only the fresh access token differs).
        assert set(shown) == set(started)
        assert {k: v for k, v in shown.items() if k not in ("access_token", "processes")} == {
            k: v for k, v in started.items() if k not in ("access_token", "processes")
        }
        human = _sfpay(a, "local", "status", state=shared)
        assert str(a) in human.stdout and str(a / "sfpay.yml") in human.stdout

        for args in (("local", "up"), ("deploy", "--org", "local")):
            refused = _sfpay(b, *args, state=shared)
            assert refused.returncode == 1, refused.stdout
            message = " ".join(refused.stderr.split())
            assert f"started for the project {a}" in message and str(b) in message, message
    finally:
        _sfpay(a, "local", "down", state=shared)
