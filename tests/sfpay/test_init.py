"""`sfpay init`: a client project that works as written, and no trace of the default client."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from sfpay.paths import PROJECT_ROOT

DEFAULT_CLIENT = "CT Nonprofit"


def _sfpay(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SFPAY_STATE_DIR"}
    result = subprocess.run(
        [sys.executable, "-m", "sfpay", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _mentions(root: Path, text: str) -> list[str]:
    return [
        str(p.relative_to(root))
        for p in sorted(root.rglob("*"))
        if p.is_file() and text in p.read_text(encoding="utf-8", errors="replace")
    ]


def test_init_generate_validate_and_no_default_client(tmp_path):
    made = _sfpay(tmp_path, "init", "acme", "--client", "Acme Foundation", "--currency", "jpy")
    assert made.returncode == 0, made.stderr
    project = tmp_path / "acme"
    for name in (
        "sfpay.yml",
        "sfdx-project.json",
        "cumulusci.yml",
        ".gitignore",
        ".github/workflows/sfpay.yml",
        ".github/workflows/sfpay-reconcile.yml",
        "README.md",
    ):
        assert (project / name).is_file(), name
    spec = YAML(typ="safe").load((project / "sfpay.yml").read_text())
    assert spec["stripe"]["account_name"] == "Acme Foundation" and spec["currency"]["code"] == "jpy"
    assert "#" in (project / "sfpay.yml").read_text()  # commented for the consultant
    assert ".sfpay/" in (project / ".gitignore").read_text()
    cci = YAML(typ="safe").load((project / "cumulusci.yml").read_text())
    assert re.fullmatch(r"acme-foundation-[0-9a-f]{6}", cci["project"]["name"]), cci["project"]["name"]
    assert "ct-nonprofit" not in (project / "cumulusci.yml").read_text()

    # From a sub-folder: the project is found by walking up.
    (project / "force-app").mkdir()
    generated = _sfpay(project / "force-app", "generate")
    assert generated.returncode == 0, generated.stderr
    assert _sfpay(project, "validate").returncode == 0
    assert _mentions(project, DEFAULT_CLIENT) == []
    assert _mentions(project, "Acme Foundation")  # the spec's client is where the spec put it


@pytest.fixture(scope="module")
def default_project(tmp_path_factory) -> Path:
    """`sfpay init p` with every default, shared by the tests that only read what it wrote."""
    parent = tmp_path_factory.mktemp("init")
    assert _sfpay(parent, "init", "p").returncode == 0
    return parent / "p"


def test_generated_cumulusci_yml_has_the_tool_s_own_tasks_and_flows(default_project):
    theirs = YAML(typ="safe").load((default_project / "cumulusci.yml").read_text())
    ours = YAML(typ="safe").load((PROJECT_ROOT / "cumulusci.yml").read_text())
    assert theirs["tasks"] == ours["tasks"] and theirs["flows"] == ours["flows"]


def test_workflow_validates_prs_deploys_main_and_gates_production(default_project):
    workflow = YAML(typ="safe").load((default_project / ".github/workflows/sfpay.yml").read_text())
    assert "pull_request" in workflow["on"] and workflow["on"]["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    assert jobs["sandbox"]["environment"] == "sandbox" and jobs["sandbox"]["needs"] == "validate"
    assert jobs["production"]["environment"] == "production" and jobs["production"]["needs"] == "sandbox"


def test_init_refuses_a_non_empty_folder_unless_forced(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "notes.txt").write_text("mine")
    refused = _sfpay(tmp_path, "init", "p")
    assert refused.returncode == 1
    assert str((tmp_path / "p").resolve()) in refused.stderr.replace("\n", "") and "--force" in refused.stderr
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["notes.txt"]
    assert _sfpay(tmp_path, "init", "p", "--force").returncode == 0
    assert (tmp_path / "p" / "notes.txt").read_text() == "mine"


def test_bad_currency_writes_nothing(tmp_path):
    refused = _sfpay(tmp_path, "init", "p", "--currency", "dollars")
    assert refused.returncode == 1 and "currency" in refused.stderr
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("client", ["Other Org", "Zaibatsu: Tokyo"])
def test_spec_defaults_carry_no_default_client(tmp_path, client):
    # A minimal spec: everything else is a default, including the fallback reminder.
    spec = tmp_path / "sfpay.yml"
    spec.write_text(f"stripe:\n  account_name: {json.dumps(client)}\n", encoding="utf-8")
    result = _sfpay(tmp_path, "generate", "--spec", str(spec), "--out", str(tmp_path / "force-app"))
    assert result.returncode == 0, result.stderr
    assert _mentions(tmp_path / "force-app", DEFAULT_CLIENT) == []


def test_two_projects_of_one_client_each_have_their_own_stack_and_cumulusci_keychain(tmp_path):
    """Issue 13: `local up`/`down` in one project never touches another of the same client,
    and CumulusCI keeps each project's connected orgs apart (~/.cumulusci/<project name>/)."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SFPAY_STATE_DIR", "CUMULUSCI_", "SFDX_", "SF_"))}
    env.update({"HOME": str(home), "CUMULUSCI_KEY": os.urandom(8).hex(), "COLUMNS": "200"})

    def run(cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "sfpay", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
        assert "Traceback" not in result.stderr, result.stderr
        return result

    projects = [tmp_path / "one" / "acme", tmp_path / "two" / "acme"]
    for project in projects:
        project.parent.mkdir()
        assert run(project.parent, "init", "acme", "--client", "Acme Foundation").returncode == 0
    names = [YAML(typ="safe").load((p / "cumulusci.yml").read_text())["project"]["name"] for p in projects]
    assert names[0] != names[1] and all(n.startswith("acme-foundation-") for n in names)
    one, two = projects
    try:
        for project in projects:
            assert run(project, "generate").returncode == 0
            up = run(project, "local", "up", "--json")
            assert up.returncode == 0, up.stdout + up.stderr
        urls = [json.loads(run(p, "local", "status", "--json").stdout)["instance_url"] for p in projects]
        assert urls[0] != urls[1]

        down = run(one, "local", "down")
        assert down.returncode == 0, down.stderr
        status = json.loads(run(two, "local", "status", "--json").stdout)
        assert status["healthy"] and status["instance_url"] == urls[1] and status["project_root"] == str(two)
        deployed = run(two, "deploy", "--org", "local", "--check-only")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        assert run(one, "cci-env").returncode == 1  # its org is gone, the other project's is not lent
    finally:
        for project in projects:
            run(project, "local", "down")
