"""`sfpay drift` against a real org server: CumulusCI's RetrieveUnpackaged over SOAP (JWT login,
as in CI), the Tooling API for flow versions, and a hand edit saved as a new flow version."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from sfpay.paths import PROJECT_ROOT
from sfpay.serving import free_port

SPEC = PROJECT_ROOT / "specs" / "ct-nonprofit.yml"
UPDATE_FLOW = "Stripe_Invoice_On_Opportunity_Update"


@pytest.fixture
def drift_org(tmp_path, monkeypatch) -> Iterator[dict[str, Any]]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cumulusci.core.config import BaseProjectConfig, OrgConfig, UniversalConfig
    from cumulusci.core.keychain import BaseProjectKeychain

    from orgsim import Org
    from orgsim.server.app import create_app
    from orgsim.server.config import ServerConfig
    from orgsim.server.running import start_in_thread
    from orgsim.server.tls import ca_bundle, ca_certs_dir, ensure_certificate

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    cert, cert_key = ensure_certificate(tmp_path / "tls")
    ca_bundle(cert.parent, cert)
    bundle = str(ca_certs_dir(cert.parent))  # the hashed CA directory, as the stack uses it
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", bundle)
    org = Org.open(":memory:")
    org.deploy_source(PROJECT_ROOT)  # the committed force-app: what the spec renders
    port = free_port()
    config = ServerConfig(
        instance_url=f"https://127.0.0.1:{port}",
        password="orgsim-pass",
        security_token="TOKEN123",
        jwt_public_key_pem=public_pem,
    )
    server = start_in_thread(create_app(org, config), port, cert, cert_key)
    monkeypatch.setenv("SFDX_CLIENT_ID", config.client_id)
    monkeypatch.setenv("SFDX_HUB_KEY", private_pem.decode())
    monkeypatch.setenv("SF_PROD_LOGIN_URL", config.instance_url)
    universal = UniversalConfig()
    data = copy.deepcopy(universal.config)
    data["project"]["package"]["api_version"] = "66.0"
    project = BaseProjectConfig(
        universal,
        config=data,
        repo_info={"root": str(tmp_path), "branch": "main", "commit": "0" * 40, "name": "sfpay", "owner": "local"},
    )
    keychain = BaseProjectKeychain(project, None)
    project.set_keychain(keychain)
    org_config = OrgConfig(
        {"instance_url": config.instance_url, "id": config.identity_url, "username": config.username},
        "orgsim",
        keychain=keychain,
    )
    org_config.refresh_oauth_token(keychain)  # JWT bearer, as `cci org connect`/CI does
    try:
        yield {"org": org, "project": project, "org_config": org_config, "config": config, "bundle": bundle}
    finally:
        server.stop()


def _drift(drift_org):
    from operate.drift.command import run_drift

    return run_drift(drift_org["project"], drift_org["org_config"], drift_org["bundle"], SPEC)


def _save_version(drift_org, name: str, xml: bytes) -> dict:
    import requests

    response = requests.post(
        f"{drift_org['config'].instance_url}/_orgsim/flows/{name}/versions",
        data=xml,
        headers={"Authorization": f"Bearer {drift_org['org_config'].access_token}", "Content-Type": "application/xml"},
        timeout=60,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _rendered_flow(name: str) -> bytes:
    return (PROJECT_ROOT / "force-app" / "main" / "default" / "flows" / f"{name}.flow-meta.xml").read_bytes()


def test_freshly_deployed_org_has_no_drift(drift_org):
    result = _drift(drift_org)
    assert result.findings == [], [f.summary for f in result.findings]
    assert result.compared > 20
    assert {(f.name, f.org_status, f.active_version, f.latest_version) for f in result.flows} == {
        (f.name, "Active", 1, 1) for f in result.flows
    } and len(result.flows) == 4


def test_hand_edit_in_flow_builder_is_one_element_of_drift(drift_org):
    original = _rendered_flow(UPDATE_FLOW)
    old = b"{!$Record.Amount} &gt;= 1)"
    assert original.count(old) == 1
    # One real change (the entry criteria's minimum), plus what Flow Builder does on any save:
    # elements moved on the canvas. Only the first is drift.
    edited = original.replace(old, b"{!$Record.Amount} &gt;= 100)").replace(
        b"<locationX>50</locationX>", b"<locationX>176</locationX>"
    )
    assert _save_version(drift_org, UPDATE_FLOW, edited) == {"name": UPDATE_FLOW, "version": 2, "status": "Active"}

    result = _drift(drift_org)
    assert [(f.type, f.name, f.kind) for f in result.findings] == [("Flow", UPDATE_FLOW, "differs")]
    changes = result.findings[0].elements
    assert [(c.element, c.change) for c in changes] == [("start", "changed")]
    diff = "\n".join(changes[0].diff)
    assert "&gt;= 100" in diff and "&gt;= 1)" in diff and "locationX" not in diff
    versions = {f.name: (f.active_version, f.latest_version) for f in result.flows}
    assert versions[UPDATE_FLOW] == (2, 2)


def test_save_as_copy_using_sfpay_fields_is_extra(drift_org):
    import io
    import zipfile

    copy_name = "Stripe_Invoice_On_Opportunity_Update_Copy"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "package.xml",
            '<?xml version="1.0" encoding="UTF-8"?><Package xmlns="http://soap.sforce.com/2006/04/metadata">'
            f"<types><members>{copy_name}</members><name>Flow</name></types><version>66.0</version></Package>",
        )
        archive.writestr(
            f"flows/{copy_name}.flow", _rendered_flow(UPDATE_FLOW).replace(b"<status>Active", b"<status>Draft")
        )
    drift_org["org"].deploy_zip(buffer.getvalue())

    result = _drift(drift_org)
    extra = [f for f in result.findings if f.kind == "extra"]
    assert [(f.name, f.type) for f in extra] == [(copy_name, "Flow")]
    assert "Stripe_Invoice_ID__c" in extra[0].summary


def test_deactivated_flow_is_activation_drift(drift_org):
    drift_org["org"].set_flow_status("Stripe_Payment_Reminder", "Obsolete")
    result = _drift(drift_org)
    assert [(f.name, f.kind) for f in result.findings] == [("Stripe_Payment_Reminder", "activation")]


def test_noise_is_not_drift():
    from operate.drift.compare import compare
    from operate.drift.normalise import components

    flow = _rendered_flow(UPDATE_FLOW)
    reformatted = flow.replace(b"    <", b"  <").replace(b"<locationY>0</locationY>", b"<locationY>48</locationY>")
    reformatted = reformatted.replace(b"<Flow xmlns", b"<!-- saved in Flow Builder -->\n<Flow xmlns")
    obj_a = (
        b'<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata"><fields><fullName>A__c</fullName>'
        b"<type>Text</type></fields><fields><fullName>B__c</fullName><type>Text</type></fields></CustomObject>"
    )
    obj_b = (
        b'<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">\n  <fields>\n    <fullName>B__c</fullName>'
        b"\n    <type>Text</type>\n  </fields>\n  <fields><fullName>A__c</fullName><type>Text</type></fields>\n"
        b"</CustomObject>"
    )
    left = components({"flows/F.flow": flow, "objects/Opportunity.object": obj_a})
    right = components({"flows/F.flow": reformatted, "objects/Opportunity.object": obj_b})
    assert compare(left, right, [], set()).findings == []
    changed = components({"objects/Opportunity.object": obj_a.replace(b"<type>Text</type>", b"<type>Url</type>", 1)})
    result = compare(left, {**right, **changed}, [], set())
    assert [(f.name, f.kind) for f in result.findings] == [("Opportunity.A__c", "differs")]
    missing = compare(left, {k: v for k, v in right.items() if k[0] != "Flow"}, [], set())
    assert [(f.name, f.kind) for f in missing.findings] == [("F", "missing")]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--org", "prod", "--format", "xml"], "--format 'xml'"),
        (["--org", "no-such-org"], "cannot use CumulusCI org 'no-such-org'"),
    ],
)
def test_user_errors_exit_2_without_traceback(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sfpay", "drift", *args],
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr


def test_retrieve_does_not_sleep_after_the_final_status(drift_org, monkeypatch):
    """CumulusCI's status loop sleeps its check interval once more after reading a final status
    (Done): one idle second per retrieve. The org answers the retrieve done at the first check,
    so drift's retrieve waits not at all."""
    import cumulusci.salesforce_api.metadata as metadata

    from operate.drift.sources import expected_files, retrieve, retrieve_manifest

    slept: list[float] = []
    real_sleep = metadata.time.sleep
    monkeypatch.setattr(metadata.time, "sleep", lambda seconds: (slept.append(seconds), real_sleep(0))[1])
    spec_model, expected = expected_files(SPEC)
    retrieved = retrieve(
        drift_org["project"], drift_org["org_config"], retrieve_manifest(expected), spec_model.api_version
    )
    assert any(path.startswith("flows/") for path in retrieved)
    assert sum(slept) == 0, slept
