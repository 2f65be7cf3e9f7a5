"""`sfpay deploy` plumbing that needs no org: flow choice, step list, redaction, export lines."""

from pathlib import Path

import pytest

from pipeline.deploy_command import FLOWS, DeployCommandError, export_lines, find_project_root, flow_steps, redact
from pipeline.local_org import LocalOrgLink, save_link

ROOT = Path(__file__).resolve().parents[2]


def test_every_mode_has_its_flow():
    for flow in FLOWS.values():
        assert flow_steps(ROOT / "cumulusci.yml", flow)
    assert FLOWS[(True, False)] == "deploy_production"
    assert flow_steps(ROOT / "cumulusci.yml", "deploy_sandbox")[-4:] == [
        "activate_flows",
        "assign_permission_sets",
        "connector_access",
        "smoke_check",
    ]


def test_unknown_flow_and_missing_project_are_user_errors(tmp_path):
    with pytest.raises(DeployCommandError, match="flow 'nope' is not defined"):
        flow_steps(ROOT / "cumulusci.yml", "nope")
    with pytest.raises(DeployCommandError, match="no sfpay project in .* cumulusci.yml"):
        find_project_root(tmp_path)
    assert find_project_root(ROOT / "pipeline" / "tasks") == ROOT


def test_session_ids_and_bearer_tokens_are_redacted():
    line = "GET /x Authorization: Bearer abc.def.ghi sid=00D8d0000000001!AQEAQHk3nZ1Yv7rY8kq2pT5hW9xL0mN3"
    cleaned = redact(line)
    assert "abc.def.ghi" not in cleaned and "AQEAQHk3nZ1Yv7rY8kq2pT5hW9xL0mN3" not in cleaned
    assert "[redacted]" in cleaned and "[redacted session id]" in cleaned
    assert redact("Running task: deploy_source") == "Running task: deploy_source"


def test_cci_env_exports_what_cumulusci_reads(tmp_path):
    key = tmp_path / "jwt.key"
    key.write_text("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n")
    save_link(
        LocalOrgLink(
            instance_url="https://127.0.0.1:5555",
            username="admin@orgsim.local",
            client_id="cid",
            private_key_path=str(key),
            ca_bundle_path="/x/ca.pem",
        ),
        tmp_path / "state",
    )
    lines = export_lines("local", tmp_path / "state", ROOT)
    names = [line.split("=", 1)[0] for line in lines]
    # The org itself comes from the environment (CUMULUSCI_ORG_LOCAL), not the shared keychain.
    assert names == [
        "export CUMULUSCI_AUTO_DETECT",
        "export CUMULUSCI_KEYCHAIN_CLASS",
        "export CUMULUSCI_ORG_LOCAL",
        "export CUMULUSCI_REPO_ROOT",
        "export REQUESTS_CA_BUNDLE",
        "export SFDX_CLIENT_ID",
        "export SFDX_HUB_KEY",
        "export SF_PROD_LOGIN_URL",
    ]
    assert "export SF_PROD_LOGIN_URL=https://127.0.0.1:5555" in lines
    with pytest.raises(DeployCommandError, match="run `sfpay local up` first"):
        export_lines("other", tmp_path / "state", ROOT)


def test_failure_output_is_the_failing_steps_own_output():
    from pipeline.deploy_command import failing_step_output

    tail = [
        "[11/27/26 04:37:01] Running task: validate_metadata",
        "                    ------------------------------------------------------------",
        "                    Beginning task: ValidateMetadata",
        "                    force-app/main/default/flows/A.flow-meta.xml:12: error connector-target-missing: ...",
        "",
        "[11/27/26 04:37:02] Exception in task validate_metadata",
        "\a",
        "Error: sfpay validate found problems in force-app (exit 1).",
        "Run this command for more information about debugging errors: cci error --help",
    ]
    assert failing_step_output(tail) == [
        "force-app/main/default/flows/A.flow-meta.xml:12: error connector-target-missing: ...",
        "Exception in task validate_metadata",
        "Error: sfpay validate found problems in force-app (exit 1).",
    ]
