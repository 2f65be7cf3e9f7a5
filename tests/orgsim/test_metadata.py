"""Metadata loading: SFDX trees, Metadata API zips, failing closed with file and element named."""

import io
import zipfile

import pytest
from orgsim_helpers import NS, field, flow, opp, text_field, write
from typer.testing import CliRunner

from orgsim import MetadataError, UnsupportedFlowFeature

START = (
    "<connector><targetReference>Log</targetReference></connector><object>Opportunity</object>"
    "<recordTriggerType>Create</recordTriggerType><triggerType>RecordAfterSave</triggerType>"
)
LOG = """<recordCreates><name>Log</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
    <inputAssignments><field>stripeGC__Message__c</field><value><elementReference>{ref}</elementReference></value></inputAssignments>
    <object>stripeGC__Sync_Log__c</object></recordCreates>"""


def test_unsupported_element_type_names_flow_and_element(org, tmp_path):
    flow(
        tmp_path,
        "Has_Subflow",
        START,
        LOG.format(ref="$Record.Name")
        + "<subflows><name>Call_Other</name><label>x</label><locationX>0</locationX><locationY>0</locationY><flowName>Other</flowName></subflows>",
    )
    with pytest.raises(UnsupportedFlowFeature) as info:
        org.deploy_source(tmp_path)
    assert str(info.value) == "flow Has_Subflow, element Call_Other: unsupported element type <subflows>"


def test_unknown_field_reference_fails_at_load(org, tmp_path):
    flow(tmp_path, "Bad_Ref", START, LOG.format(ref="$Record.No_Such_Field__c"))
    with pytest.raises(MetadataError, match=r"flow Bad_Ref, element Log: reference '\$Record.No_Such_Field__c'"):
        org.deploy_source(tmp_path)


def test_unknown_apex_action_and_unknown_input_fail_at_load(org, tmp_path):
    action = """<actionCalls><name>Call</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
        <actionName>{name}</actionName><actionType>apex</actionType>
        <inputParameters><name>accountRecordId</name><value><stringValue>x</stringValue></value></inputParameters>
        <inputParameters><name>{param}</name><value><stringValue>x</stringValue></value></inputParameters></actionCalls>"""
    start = START.replace(">Log<", ">Call<")
    flow(tmp_path, "Apex", start, action.format(name="MyCustomApex", param="customer"))
    with pytest.raises(UnsupportedFlowFeature, match="element Call: unsupported apex action 'MyCustomApex'"):
        org.deploy_source(tmp_path)
    flow(tmp_path, "Apex", start, action.format(name="stripeGC__v02_GetCustomers", param="customerr"))
    with pytest.raises(MetadataError, match="has no input 'customerr'"):
        org.deploy_source(tmp_path)


def test_unknown_formula_function_fails_at_load(org, tmp_path):
    flow(
        tmp_path,
        "Bad_Formula",
        START,
        LOG.format(ref="F")
        + '<formulas><name>F</name><dataType>String</dataType><expression>REGEX({!$Record.Name}, "x")</expression></formulas>',
    )
    with pytest.raises(MetadataError, match="flow Bad_Formula, element F: unknown or unsupported function REGEX"):
        org.deploy_source(tmp_path)


def test_unknown_metadata_type_names_the_file(org, tmp_path):
    write(tmp_path, "classes/Thing.cls-meta.xml", f"<ApexClass {NS}><apiVersion>66.0</apiVersion></ApexClass>")
    with pytest.raises(MetadataError, match="classes/Thing.cls-meta.xml: metadata type not supported"):
        org.deploy_source(tmp_path)


def test_failed_deploy_applies_nothing(org, tmp_path):
    text_field(tmp_path, "Opportunity", "Kept__c")
    flow(tmp_path, "Bad_Ref", START, LOG.format(ref="$Record.Nope__c"))
    with pytest.raises(MetadataError):
        org.deploy_source(tmp_path)
    assert not org.schema.get("Opportunity").has_field("Kept__c")


def test_check_only_validates_without_applying(org, tmp_path):
    text_field(tmp_path, "Opportunity", "Kept__c")
    result = org.deploy_source(tmp_path, check_only=True)
    assert result.success and result.check_only
    assert [c.full_name for c in result.components] == ["Opportunity.Kept__c"]
    assert not org.schema.get("Opportunity").has_field("Kept__c")


def test_draft_flow_does_not_run_until_activated(org, tmp_path):
    flow(tmp_path, "Later", START, LOG.format(ref="$Record.Name"), status="Draft")
    org.deploy_source(tmp_path)
    org.insert("Opportunity", [opp("first")])
    org.set_flow_status("Later", "Active")
    org.insert("Opportunity", [opp("second")])
    assert [r["stripeGC__Message__c"] for r in org.select("stripeGC__Sync_Log__c", ["stripeGC__Message__c"])] == [
        "second"
    ]


def mdapi_zip() -> bytes:
    files = {
        "package.xml": f"<?xml version='1.0'?><Package {NS}><version>66.0</version></Package>",
        "objects/Opportunity.object": f"""<?xml version="1.0" encoding="UTF-8"?><CustomObject {NS}>
            <businessProcesses><fullName>Sales</fullName><isActive>true</isActive><values><fullName>Pledged</fullName><default>false</default></values></businessProcesses>
            <fields><fullName>Invoice__c</fullName><externalId>true</externalId><label>Invoice</label><length>64</length><type>Text</type><unique>true</unique></fields>
            <recordTypes><fullName>Gift</fullName><active>true</active><businessProcess>Sales</businessProcess><label>Gift</label></recordTypes>
            </CustomObject>""",
        "objects/Donation__c.object": f"""<?xml version="1.0" encoding="UTF-8"?><CustomObject {NS}>
            <fields><fullName>Opportunity__c</fullName><label>Opp</label><referenceTo>Opportunity</referenceTo>
            <relationshipName>Donations</relationshipName><type>Lookup</type></fields>
            <label>Donation</label><nameField><label>Donation Name</label><type>Text</type></nameField></CustomObject>""",
        "flows/Copy_Invoice.flow": f"""<?xml version="1.0" encoding="UTF-8"?><Flow {NS}><apiVersion>66.0</apiVersion>
            <label>Copy</label><processType>AutoLaunchedFlow</processType>
            <recordCreates><name>Make</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <inputAssignments><field>Name</field><value><elementReference>$Record.Invoice__c</elementReference></value></inputAssignments>
            <inputAssignments><field>Opportunity__c</field><value><elementReference>$Record.Id</elementReference></value></inputAssignments>
            <object>Donation__c</object></recordCreates>
            <start><locationX>0</locationX><locationY>0</locationY><connector><targetReference>Make</targetReference></connector>
            <object>Opportunity</object><recordTriggerType>Create</recordTriggerType><triggerType>RecordAfterSave</triggerType></start>
            <status>Active</status></Flow>""",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"unpackaged/{name}", text)
    return buffer.getvalue()


def test_metadata_api_zip(org):
    result = org.deploy_zip(mdapi_zip())
    names = {(c.type, c.full_name) for c in result.components}
    assert {
        ("CustomObject", "Donation__c"),
        ("CustomField", "Opportunity.Invoice__c"),
        ("RecordType", "Opportunity.Gift"),
        ("Flow", "Copy_Invoice"),
    } <= names
    rt = org.select("RecordType", ["Id", "Name"], None)
    assert [r["Name"] for r in rt] == ["Gift"]
    rid = org.insert("Opportunity", [opp(stage="Pledged", Invoice__c="in_9", RecordTypeId=rt[0]["Id"])])[0].id
    donation = org.select("Donation__c", ["Name", "Opportunity__r.Invoice__c", "Id"])
    assert donation[0]["Name"] == "in_9" and donation[0]["Opportunity__r.Invoice__c"] == "in_9"
    assert donation[0]["Id"].startswith("a0") and org.describe("Donation__c")["keyPrefix"] == donation[0]["Id"][:3]
    assert org.retrieve("Opportunity", rid, ["RecordType.DeveloperName"])["RecordType.DeveloperName"] == "Gift"


def test_zip_without_package_xml(org):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("flows/X.flow", "<Flow/>")
    with pytest.raises(MetadataError, match="no package.xml"):
        org.deploy_zip(buffer.getvalue())


def test_cli_check(tmp_path):
    from sfpay.cli import app

    runner = CliRunner()
    field(tmp_path, "Opportunity", "X__c", "<label>X</label><type>Checkbox</type><defaultValue>false</defaultValue>")
    flow(tmp_path, "Ok", START, LOG.format(ref="$Record.Name"))
    ok = runner.invoke(app, ["org", "check", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    assert "Ok: Active, Opportunity Create (RecordAfterSave)" in ok.output
    flow(tmp_path, "Ok", START, LOG.format(ref="$Record.Nope__c"))
    bad = runner.invoke(app, ["org", "check", str(tmp_path)])
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_generated_force_app_loads_fail_closed(org):
    """The generator's force-app/ loads: every element, operator, function and reference is understood."""
    from orgsim_helpers import generated_root

    root = generated_root()
    if not (root / "force-app" / "main" / "default" / "flows").is_dir():
        pytest.skip("no generated force-app/ yet")
    result = org.deploy_source(root)
    flows = {f["name"]: f for f in org.flows()}
    assert len(flows) == 4 and all(f["status"] == "Active" for f in flows.values())
    assert {f["object"] for f in flows.values()} == {"Opportunity", "stripeGC__Stripe_Event__c"}
    assert any(c.type == "WorkflowAlert" for c in result.components)


def test_activation_outlives_reopen(tmp_path, clock):
    from orgsim import Org

    flow(tmp_path / "src", "Later", START, LOG.format(ref="$Record.Name"), status="Draft")
    db = tmp_path / "org.sqlite3"
    org = Org.open(db, clock=clock)
    org.deploy_source(tmp_path / "src")
    org.set_flow_status("Later", "Active")
    org.close()
    again = Org.open(db)
    assert [f["status"] for f in again.flows()] == ["Active"]
    again.insert("Opportunity", [opp("after restart")])
    assert again.count("stripeGC__Sync_Log__c") == 1
    again.close()


def test_generated_update_flow_loads(org, tmp_path):
    """force-app's update flow as generated, with only its dependencies (fields, record types)."""
    import shutil

    from orgsim_helpers import generated_root

    root = generated_root()
    flows = root / "force-app" / "main" / "default" / "flows"
    if not flows.is_dir():
        pytest.skip("no generated force-app/ yet")
    shutil.copytree(
        root / "force-app",
        tmp_path / "force-app",
        ignore=lambda d, names: [
            n
            for n in names
            if n.endswith(".flow-meta.xml") and n != "Stripe_Invoice_On_Opportunity_Update.flow-meta.xml"
        ],
    )
    from orgsim import MetadataError

    try:
        org.deploy_source(tmp_path)
    except MetadataError as exc:
        pytest.fail(str(exc))
    assert [f["name"] for f in org.flows()] == ["Stripe_Invoice_On_Opportunity_Update"]


def test_a_reopened_org_has_what_its_deployments_built(tmp_path, clock):
    """Opening an org replays its stored deployments in order, into one copy of the metadata:
    the same objects, fields, flows and statuses as before it was closed, however many
    deployments it holds (a flow changed by a later deployment, a field added by another)."""
    from orgsim import Org

    flow(tmp_path / "one", "Later", START, LOG.format(ref="$Record.Name"), status="Draft")
    flow(tmp_path / "two", "Later", START, LOG.format(ref="$Record.Id"), status="Active")
    text_field(tmp_path / "two", "Opportunity", "Added_Later__c")
    db = tmp_path / "org.sqlite3"
    org = Org.open(db, clock=clock)
    for source in ("one", "two", "one", "two"):
        org.deploy_source(tmp_path / source)
    before = (org.flows(), sorted(org.schema.get("Opportunity").fields))
    # What a retrieve returns, kept as the deployments committed: each changed deploy of the
    # flow is a new version (orgsim.metadata.retrieve).
    kept = _retrievable(org)
    assert org.deployed.flow_versions() == {"Later": 4}
    org.close()
    again = Org.open(db)
    assert (again.flows(), sorted(again.schema.get("Opportunity").fields)) == before
    assert "added_later__c" in {name.lower() for name in before[1]}
    assert again.deployed.flow_versions() == {"Later": 4}
    assert _retrievable(again) == kept
    # The flow that runs is the last one deployed (it logs the record's Id, not its Name), and
    # its status is the last deployment's (Active), though earlier ones were Draft.
    saved = again.insert("Opportunity", [opp("after restart")])
    logged = again.query("SELECT stripeGC__Message__c FROM stripeGC__Sync_Log__c").records
    assert [row["stripeGC__Message__c"] for row in logged] == [saved[0].id]
    again.close()


def _retrievable(org) -> dict:
    from lxml import etree

    return {
        key: (etree.tostring(component.element, method="c14n"), component.body, component.version)
        for key, component in org.deployed.components.items()
    }
