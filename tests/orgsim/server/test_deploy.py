"""REST Metadata API deploy (deployRequest): good, check-only and broken zips; broken ones
come back per component like Salesforce's, and nothing is deployed."""

from __future__ import annotations

import re

import pytest
from server_helpers import deploy_rest, fixture_project, mdapi_files, project_zip

from generator.flow_kinds import FLOW_KINDS
from generator.spec.loader import load_spec
from orgsim.server.deploy.components import component_of
from sfpay.paths import PROJECT_ROOT


@pytest.fixture
def deploy(org_server, https):
    server, config, org, sf = org_server
    token = sf.session_id

    def run(zip_bytes, **kwargs):
        return deploy_rest(https, config, token, zip_bytes, **kwargs)

    return run, org


def test_good_zip_deploys_every_component(deploy):
    run, org = deploy
    result = run(project_zip())
    assert result["status"] == "Succeeded" and result["success"] is True and result["done"] is True
    assert result["numberComponentErrors"] == 0
    components = {c for c in (component_of(name) for name in mdapi_files(fixture_project())) if c is not None}
    assert result["numberComponentsDeployed"] == result["numberComponentsTotal"] == len(components)
    successes = {(c["componentType"], c["fullName"]) for c in result["details"]["componentSuccesses"]}
    assert ("Flow", "Stripe_Invoice_On_Opportunity_Create") in successes
    assert ("CustomObject", "Opportunity") in successes
    assert {c["fileName"] for c in result["details"]["componentSuccesses"]} >= {"metadata/objects/Opportunity.object"}
    spec = load_spec(PROJECT_ROOT / "specs" / "ct-nonprofit.yml")
    assert {f["name"] for f in org.flows()} == {getattr(spec.flows, kind.key).api_name for kind in FLOW_KINDS}
    assert any(f["name"] == "Stripe_Invoice_ID__c" for f in org.describe("Opportunity")["fields"])


def test_check_only_validates_and_changes_nothing(deploy):
    run, org = deploy
    result = run(project_zip(), check_only=True)
    assert result["status"] == "Succeeded" and result["checkOnly"] is True
    assert org.flows() == []
    assert not any(f["name"] == "Stripe_Invoice_ID__c" for f in org.describe("Opportunity")["fields"])


def _failure(result):
    assert result["status"] == "Failed" and result["success"] is False
    assert result["numberComponentsDeployed"] == 0
    [failure] = result["details"]["componentFailures"]
    return failure


def test_malformed_xml_names_file_line_and_column(deploy):
    run, org = deploy

    def corrupt(files):
        files["flows/Stripe_Invoice_On_Opportunity_Update.flow"] = files[
            "flows/Stripe_Invoice_On_Opportunity_Update.flow"
        ].replace(b"<label>", b"<label attr=>", 1)

    failure = _failure(run(project_zip(mutate=corrupt)))
    assert failure["fileName"] == "metadata/flows/Stripe_Invoice_On_Opportunity_Update.flow"
    assert failure["componentType"] == "Flow" and failure["fullName"] == "Stripe_Invoice_On_Opportunity_Update"
    assert failure["problemType"] == "Error" and failure["lineNumber"] and failure["columnNumber"]
    assert org.flows() == []


def test_schema_error_found_by_the_validator_points_at_the_object_file_line(deploy):
    run, org = deploy
    zipped = {}

    def bad_field(files):
        text = files["objects/Opportunity.object"].decode()
        text = text.replace(
            "<externalId>true</externalId>", "<externalId>true</externalId>\n            <colour>red</colour>", 1
        )
        files["objects/Opportunity.object"] = text.encode()
        zipped["text"] = text

    failure = _failure(run(project_zip(mutate=bad_field)))
    line = next(i for i, text_line in enumerate(zipped["text"].splitlines(), start=1) if "<colour>" in text_line)
    assert failure["fileName"] == "metadata/objects/Opportunity.object"
    assert failure["lineNumber"] == line
    assert "colour" in failure["problem"]
    assert not any(f["name"] == "Stripe_Invoice_ID__c" for f in org.describe("Opportunity")["fields"])


def test_what_the_emulator_cannot_run_is_refused_by_the_core(deploy):
    run, org = deploy

    def unknown_action(files):
        name = "flows/Stripe_Invoice_On_Opportunity_Create.flow"
        files[name] = re.sub(
            rb"<processType>\w+</processType>", b"<processType>Workflow</processType>", files[name], count=1
        )

    failure = _failure(run(project_zip(mutate=unknown_action)))
    assert failure["fileName"] == "metadata/flows/Stripe_Invoice_On_Opportunity_Create.flow"
    assert failure["componentType"] == "Flow" and failure["problem"]
    assert org.flows() == []


def test_request_errors(org_server, https):
    server, config, org, sf = org_server
    url = f"{config.instance_url}/services/data/v66.0/metadata/deployRequest"
    auth = {"Authorization": f"Bearer {sf.session_id}"}
    not_multipart = https.post(url, json={"deployOptions": {}}, headers=auth)
    assert not_multipart.status_code == 400 and not_multipart.json()[0]["errorCode"] == "INVALID_CONTENT_TYPE"
    not_zip = https.post(url, files={"file": ("x.zip", b"not a zip", "application/zip")}, headers=auth)
    assert not_zip.status_code == 201
    status = https.get(f"{url}/{not_zip.json()['id']}?includeDetails=true", headers=auth).json()["deployResult"]
    assert status["status"] == "Failed" and status["errorStatusCode"] == "INVALID_ZIP"
    assert https.get(f"{url}/0Af000000000000AAA", headers=auth).status_code == 404
    assert https.post(url, files={"file": ("x.zip", project_zip(), "application/zip")}).status_code == 401


def test_fields_already_in_the_org_count_for_a_later_deploy(deploy):
    run, org = deploy

    def only(prefixes):
        def keep(files):
            for name in list(files):
                if name != "package.xml" and not name.startswith(prefixes):
                    del files[name]

        return keep

    def flows_without_alerts(files):
        # The deploy check knows the org's fields, not its email alerts (the reminder flow's).
        only(("flows/",))(files)
        reminder = load_spec(PROJECT_ROOT / "specs" / "ct-nonprofit.yml").flows.reminder.api_name
        del files[f"flows/{reminder}.flow"]

    assert run(project_zip(mutate=only(("objects/",))))["status"] == "Succeeded"
    result = run(project_zip(mutate=flows_without_alerts))  # the flows use the fields deployed before
    assert result["status"] == "Succeeded", [f["problem"] for f in result["details"]["componentFailures"]]
    assert len(org.flows()) == len(FLOW_KINDS) - 1


def test_a_flow_using_a_field_nobody_has_is_refused_with_its_line(deploy):
    run, org = deploy
    flow = "flows/Stripe_Invoice_On_Opportunity_Create.flow"
    seen = {}

    def unknown_field(files):
        text = files[flow].decode().replace("Stripe_Invoice_URL__c", "No_Such_Field__c")
        files[flow] = text.encode()
        seen["lines"] = {i for i, text_line in enumerate(text.splitlines(), start=1) if "No_Such_Field__c" in text_line}

    result = run(project_zip(mutate=unknown_field))
    assert result["status"] == "Failed" and org.flows() == []
    failures = result["details"]["componentFailures"]
    assert failures and {f["fileName"] for f in failures} == {"metadata/" + flow}
    assert all("No_Such_Field__c" in f["problem"] and "[field-unknown]" in f["problem"] for f in failures)
    assert {f["lineNumber"] for f in failures} <= seen["lines"]
