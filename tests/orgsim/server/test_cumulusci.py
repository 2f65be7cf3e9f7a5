"""CumulusCI, unchanged, against the org: JWT bearer login (SFDX_CLIENT_ID / SFDX_HUB_KEY, the
headless CI setup), the deploy task over the SOAP Metadata API (its default) and over REST
(`rest_deploy`), and activate_flow through the Tooling API."""

from __future__ import annotations

import copy

import pytest
from server_helpers import fixture_project, mdapi_files


@pytest.fixture
def cci(org_server, rsa_key_pair, monkeypatch, tmp_path):
    from cumulusci.core.config import BaseProjectConfig, OrgConfig, UniversalConfig
    from cumulusci.core.keychain import BaseProjectKeychain

    server, config, org, sf = org_server
    monkeypatch.setenv("SFDX_CLIENT_ID", config.client_id)
    monkeypatch.setenv("SFDX_HUB_KEY", rsa_key_pair[0].decode())
    monkeypatch.setenv("SF_PROD_LOGIN_URL", config.instance_url)
    universal = UniversalConfig()
    project_data = copy.deepcopy(universal.config)
    project_data["project"]["package"]["api_version"] = "66.0"
    project_data["project"]["api_version"] = "66.0"
    project = BaseProjectConfig(
        universal,
        config=project_data,
        repo_info={
            "root": str(tmp_path),
            "branch": "main",
            "commit": "0" * 40,
            "name": "sfpay",
            "owner": "local",
            "url": "https://example.invalid/sfpay",
        },
    )
    keychain = BaseProjectKeychain(project, None)
    project.set_keychain(keychain)
    # No access token: CumulusCI gets one through the JWT bearer grant before each task.
    org_config = OrgConfig(
        {
            "instance_url": config.instance_url,
            "id": config.identity_url,
            "username": config.username,
            "access_token": "none-yet",
        },
        "orgsim",
        keychain=keychain,
    )

    def run(task_class, **options):
        from cumulusci.core.config import TaskConfig

        task = task_class(project, TaskConfig({"options": options}), org_config)
        task()
        return task

    return {"run": run, "org": org, "sf": sf, "config": config, "org_config": org_config, "tmp": tmp_path}


def _mdapi_dir(tmp_path, mutate=None):
    files = mdapi_files(fixture_project())
    if mutate:
        mutate(files)
    root = tmp_path / "src"
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


@pytest.mark.parametrize("rest_deploy", [False, True], ids=["soap", "rest"])
def test_deploy_task_then_activate_flow(cci, rest_deploy):
    from cumulusci.tasks.salesforce import Deploy
    from cumulusci.tasks.salesforce.activate_flow import ActivateFlow

    run, org = cci["run"], cci["org"]
    run(Deploy, path=str(_mdapi_dir(cci["tmp"])), rest_deploy=rest_deploy)
    assert cci["org_config"].access_token != "none-yet"  # refreshed through the JWT grant
    assert cci["org_config"].org_type == "Developer Edition"
    flows = {f["name"]: f["status"] for f in org.flows()}
    assert flows["Stripe_Event_Update_Opportunity_Status"] == "Active"

    run(ActivateFlow, developer_names=["Stripe_Event_Update_Opportunity_Status"], status=False)
    assert {f["name"]: f["status"] for f in org.flows()}["Stripe_Event_Update_Opportunity_Status"] == "Obsolete"
    run(ActivateFlow, developer_names=["Stripe_Event_Update_Opportunity_Status"], status=True)
    assert {f["name"]: f["status"] for f in org.flows()}["Stripe_Event_Update_Opportunity_Status"] == "Active"


@pytest.mark.parametrize("rest_deploy", [False, True], ids=["soap", "rest"])
def test_deploy_task_reports_component_failures(cci, rest_deploy):
    # The SOAP path wraps the component failure in MetadataParseError (CumulusCI's own
    # behaviour); both derive from MetadataApiError and carry the failure text.
    from cumulusci.salesforce_api.exceptions import MetadataApiError
    from cumulusci.tasks.salesforce import Deploy

    def break_flow(files):
        name = "flows/Stripe_Invoice_On_Opportunity_Create.flow"
        files[name] = files[name].replace(b"</Flow>", b"<Flow>")  # not well-formed

    with pytest.raises(MetadataApiError) as info:
        cci["run"](Deploy, path=str(_mdapi_dir(cci["tmp"], break_flow)), rest_deploy=rest_deploy)
    assert "Stripe_Invoice_On_Opportunity_Create" in str(info.value)
    assert "Error parsing file" in str(info.value) and "line" in str(info.value)
    assert cci["org"].flows() == []  # nothing deployed


def test_assign_permission_sets_after_deploy(cci):
    from cumulusci.tasks.salesforce import Deploy
    from cumulusci.tasks.salesforce.users.permsets import AssignPermissionSets

    run, sf = cci["run"], cci["sf"]
    run(Deploy, path=str(_mdapi_dir(cci["tmp"])), rest_deploy=True)
    soql = (
        "SELECT Id, PermissionSetId FROM PermissionSetAssignment WHERE PermissionSet.Name = 'Stripe_Invoicing_Fields' "
        f"AND Assignee.Username = '{cci['config'].username}'"
    )
    assert sf.query(soql)["totalSize"] == 0
    run(AssignPermissionSets, api_names="Stripe_Invoicing_Fields")
    assert sf.query(soql)["totalSize"] == 1
    run(AssignPermissionSets, api_names="Stripe_Invoicing_Fields")  # already assigned: skipped, no duplicate
    assert sf.query(soql)["totalSize"] == 1
    user = sf.query(
        f"SELECT Id, (SELECT PermissionSet.Name FROM PermissionSetAssignments) FROM User "
        f"WHERE Username = '{cci['config'].username}'"
    )["records"][0]
    assert [r["PermissionSet"]["Name"] for r in user["PermissionSetAssignments"]["records"]] == [
        "Stripe_Invoicing_Fields"
    ]
    from cumulusci.core.exceptions import CumulusCIException

    with pytest.raises(CumulusCIException, match="not found: Nope"):
        run(AssignPermissionSets, api_names="Nope")
