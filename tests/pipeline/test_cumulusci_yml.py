"""cumulusci.yml as CumulusCI itself reads it: every flow resolves, every custom task loads."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
CONFIG = YAML(typ="safe").load((ROOT / "cumulusci.yml").read_text())
FLOWS = ["deploy_sandbox", "validate_sandbox", "validate_production", "deploy_production"]


# `cci flow info <flow>` for each flow in one CumulusCI process (a `cci` start costs about a
# second of CPU): CumulusCI's own click command, run the way its `main` runs it.
FLOW_INFO = """
import sys
from cumulusci.cli.cci import cli
from cumulusci.cli.runtime import CliRuntime

runtime = CliRuntime(load_keychain=False)
for flow in sys.argv[1:]:
    print("=== flow info " + flow, flush=True)
    try:
        cli(["flow", "info", flow], standalone_mode=False, obj=runtime)
    except Exception as exc:
        print(f"!!! {type(exc).__name__}: {exc}")
    sys.stdout.flush()
"""


@pytest.fixture(scope="module")
def flow_info(tmp_path_factory) -> dict[str, str]:
    """What `cci flow info` prints for each flow, by flow name."""
    env = {
        **os.environ,
        "HOME": str(tmp_path_factory.mktemp("home")),
        "CUMULUSCI_KEY": "0123456789abcdef",
        "CUMULUSCI_AUTO_DETECT": "1",
        "CUMULUSCI_REPO_ROOT": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", FLOW_INFO, *FLOWS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sections = result.stdout.split("=== flow info ")[1:]
    return {section.split("\n", 1)[0]: section.split("\n", 1)[1] for section in sections}


@pytest.mark.parametrize("flow", FLOWS)
def test_flow_resolves_in_cumulusci(flow, flow_info):
    output = flow_info[flow]
    assert "!!!" not in output and "Description:" in output, output
    steps = [s["task"] for _, s in sorted(CONFIG["flows"][flow]["steps"].items())]
    for task in steps:
        assert f"task: {task}" in output


def test_custom_tasks_load_and_document_their_options():
    for name, task in CONFIG["tasks"].items():
        module, cls = task["class_path"].rsplit(".", 1)
        klass = getattr(importlib.import_module(module), cls)
        for option in task.get("options", {}):
            assert option in klass.task_options, f"{name}: option {option} is not declared"
            assert klass.task_options[option].get("description")


def test_production_sequence_is_the_safe_one():
    steps = [s for _, s in sorted(CONFIG["flows"]["deploy_production"]["steps"].items())]
    names = [s["task"] for s in steps]
    deploy = steps[names.index("deploy_source")]["options"]
    assert deploy == {"test_level": "RunLocalTests", "flow_status": "Draft"}
    # Inactive first, then activate, then permissions, then the check.
    assert names[names.index("deploy_source") :] == [
        "deploy_source",
        "activate_flows",
        "assign_permission_sets",
        "connector_access",
        "smoke_check",
    ]
    validate = [s for _, s in sorted(CONFIG["flows"]["validate_production"]["steps"].items())]
    check = next(s for s in validate if s["task"] == "deploy_source")["options"]
    # The validation deploys exactly what the production deploy will, without saving.
    assert check == {**deploy, "check_only": True}


def test_check_only_flows_change_nothing_but_the_check_only_deploy():
    for flow in ("validate_sandbox", "validate_production"):
        tasks = [s["task"] for _, s in sorted(CONFIG["flows"][flow]["steps"].items())]
        assert not {"activate_flows", "assign_permission_sets"} & set(tasks)
        options = next(s for s in CONFIG["flows"][flow]["steps"].values() if s["task"] == "deploy_source")["options"]
        assert options["check_only"] is True


def test_deploys_are_all_or_nothing_by_default():
    assert CONFIG["tasks"]["deploy_source"]["options"]["rest_deploy"] is True
    from pipeline.mdapi.rest_deploy import AllOrNothingRestDeploy

    class _Task:  # only what the constructor reads
        class project_config:
            project__package__api_version = "66.0"

    options = AllOrNothingRestDeploy(_Task, "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==").deploy_options()["deployOptions"]
    assert options["rollbackOnError"] is True and options["singlePackage"] is True
