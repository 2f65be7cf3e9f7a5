"""CumulusCI's retrieve (RetrieveUnpackaged: SOAP retrieve, checkStatus, checkRetrieveStatus)
against the org, and a hand edit in "Flow Builder" (/_orgsim/flows/{name}/versions) that the
next retrieve and the Tooling API's version numbers show."""

from __future__ import annotations

import base64

from server_helpers import fixture_project, mdapi_files
from test_cumulusci import _mdapi_dir, cci  # noqa: F401 - the CumulusCI fixture

from sfmeta.xml import MD_NS, parse, text

FLOW = "Stripe_Invoice_On_Opportunity_Create"


def _retrieve(cci, package: bytes, name: str):  # noqa: F811
    from cumulusci.tasks.salesforce import RetrieveUnpackaged

    manifest = cci["tmp"] / f"{name}.xml"
    manifest.write_bytes(package)
    out = cci["tmp"] / name
    cci["run"](RetrieveUnpackaged, package_xml=str(manifest), path=str(out))
    return out


def test_retrieve_returns_what_was_deployed_in_mdapi_form(cci):  # noqa: F811
    from cumulusci.tasks.salesforce import Deploy

    run = cci["run"]
    source = _mdapi_dir(cci["tmp"])
    run(Deploy, path=str(source))
    out = _retrieve(cci, (source / "package.xml").read_bytes(), "retrieved")

    deployed = mdapi_files(fixture_project())
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(deployed)
    flow = parse((out / "flows" / f"{FLOW}.flow").read_bytes())
    assert text(flow, "status") == "Active"
    fields = parse((out / "objects" / "Opportunity.object").read_bytes()).findall(f"{{{MD_NS}}}fields")
    names = [f.findtext(f"{{{MD_NS}}}fullName") for f in fields]
    assert names == sorted(names) and "Stripe_Invoice_ID__c" in names
    template = next(n for n in deployed if n.endswith(".email"))
    assert (out / template).read_bytes() == deployed[template]


def test_hand_edit_is_a_new_active_version_retrieve_and_tooling_show(cci, https):  # noqa: F811
    from cumulusci.tasks.salesforce import Deploy

    run, config = cci["run"], cci["config"]
    source = _mdapi_dir(cci["tmp"])
    run(Deploy, path=str(source))
    original = (source / "flows" / f"{FLOW}.flow").read_bytes()
    label = text(parse(original), "label").encode()
    assert original.count(b"<label>" + label + b"</label>") == 1
    edited = original.replace(b"<label>" + label, b"<label>Edited " + label)
    token = cci["org_config"].access_token
    response = https.post(
        f"{config.instance_url}/_orgsim/flows/{FLOW}/versions",
        data=edited.replace(b"<status>Draft</status>", b"<status>Active</status>"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"},
    )
    assert response.status_code == 201, response.text
    assert response.json() == {"name": FLOW, "version": 2, "status": "Active"}

    package = (  # one element a line: CumulusCI strips the <Package> line with a line-wise regex
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="{MD_NS}">\n<types><members>*</members>'
        "<name>Flow</name></types>\n<version>66.0</version>\n</Package>\n"
    ).encode()
    out = _retrieve(cci, package, "after-edit")
    flow = parse((out / "flows" / f"{FLOW}.flow").read_bytes())
    assert text(flow, "label").startswith("Edited ")
    assert len(list((out / "flows").iterdir())) == 4

    soql = f"SELECT LatestVersion.VersionNumber, ActiveVersionId FROM FlowDefinition WHERE DeveloperName = '{FLOW}'"
    rows = cci["sf"].toolingexecute(f"query/?q={soql}")["records"]
    assert rows[0]["LatestVersion"]["VersionNumber"] == 2 and rows[0]["ActiveVersionId"]


def test_hand_edit_saved_inactive_is_refused(cci, https):  # noqa: F811
    from cumulusci.tasks.salesforce import Deploy

    source = _mdapi_dir(cci["tmp"])
    cci["run"](Deploy, path=str(source))
    draft = (source / "flows" / f"{FLOW}.flow").read_bytes()  # the pipeline deploys flows Draft
    response = https.post(
        f"{cci['config'].instance_url}/_orgsim/flows/{FLOW}/versions",
        data=draft.replace(b"<status>Active</status>", b"<status>Draft</status>"),
        headers={"Authorization": f"Bearer {cci['org_config'].access_token}"},
    )
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "INVALID_STATUS"


def test_missing_member_is_a_message_not_a_fault(cci, https):  # noqa: F811
    from cumulusci.tasks.salesforce import Deploy

    cci["run"](Deploy, path=str(_mdapi_dir(cci["tmp"])))
    token, url = cci["org_config"].access_token, cci["config"].instance_url

    def soap(body: str) -> str:
        envelope = (
            '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>'
            f'<SessionHeader xmlns="{MD_NS}"><sessionId>{token}</sessionId></SessionHeader></soap:Header>'
            f"<soap:Body>{body}</soap:Body></soap:Envelope>"
        )
        response = https.post(f"{url}/services/Soap/m/66.0", data=envelope, headers={"Content-Type": "text/xml"})
        assert response.status_code == 200, response.text
        return response.text

    started = soap(
        f'<retrieve xmlns="{MD_NS}"><retrieveRequest><apiVersion>66.0</apiVersion><unpackaged>'
        "<types><members>No_Such_Flow</members><name>Flow</name></types></unpackaged></retrieveRequest></retrieve>"
    )
    job = started.split("<id>")[1].split("</id>")[0]
    result = soap(f'<checkRetrieveStatus xmlns="{MD_NS}"><asyncProcessId>{job}</asyncProcessId></checkRetrieveStatus>')
    assert "Entity of type &apos;Flow&apos; named &apos;No_Such_Flow&apos; cannot be found" in result or (
        "Entity of type 'Flow' named 'No_Such_Flow' cannot be found" in result
    )
    assert "<zipFile>" in result and base64.b64decode(result.split("<zipFile>")[1].split("</zipFile>")[0])
    again = soap(f'<checkRetrieveStatus xmlns="{MD_NS}"><asyncProcessId>{job}</asyncProcessId></checkRetrieveStatus>')
    assert "<zipFile>" not in again  # returned once, then deleted from the server


def test_retrieve_tooling_and_hand_edits_do_not_replay_the_deploy_history(cci, https):  # noqa: F811
    """What the org has deployed is kept as it deploys, not rebuilt per request: on a
    long-lived local org every retrieve, Tooling flow query and hand edit used to decode every
    deployment ever stored (77 on a day-old stack: 14 MB, 0.4 s of CPU per request)."""
    from cumulusci.tasks.salesforce import Deploy

    run, config, org = cci["run"], cci["config"], cci["org"]
    source = _mdapi_dir(cci["tmp"])
    run(Deploy, path=str(source))
    original = (source / "flows" / f"{FLOW}.flow").read_bytes()
    label = text(parse(original), "label").encode()
    token = cci["org_config"].access_token
    statements: list[str] = []
    org.store.conn.set_trace_callback(statements.append)
    try:
        for number in (2, 3):
            edited = original.replace(b"<label>" + label, b"<label>Edit %d " % number + label)
            response = https.post(
                f"{config.instance_url}/_orgsim/flows/{FLOW}/versions",
                data=edited.replace(b"<status>Draft</status>", b"<status>Active</status>"),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"},
            )
            assert response.status_code == 201, response.text
            assert response.json()["version"] == number
        soql = f"SELECT LatestVersion.VersionNumber FROM FlowDefinition WHERE DeveloperName = '{FLOW}'"
        rows = cci["sf"].toolingexecute(f"query/?q={soql}")["records"]
        assert rows[0]["LatestVersion"]["VersionNumber"] == 3
        out = _retrieve(cci, (source / "package.xml").read_bytes(), "retrieved")
        assert text(parse((out / "flows" / f"{FLOW}.flow").read_bytes()), "label").startswith("Edit 3 ")
    finally:
        org.store.conn.set_trace_callback(None)
    replays = [s for s in statements if "from _deployed" in s.lower()]
    assert replays == [], f"{len(replays)} reads of the whole deploy history"
