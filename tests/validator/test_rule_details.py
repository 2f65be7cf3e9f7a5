"""Rule behaviour at the edges, on small trees written for each test."""

from __future__ import annotations

from pathlib import Path

from validator.engine import validate
from validator.rules.hardcoded_id import checksum, looks_like_id

NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"'


def test_id_checksum_matches_salesforce_example():
    # Salesforce documents 001A0000006Vm9r as the 15-character form of 001A0000006Vm9rIAC.
    assert checksum("001A0000006Vm9r") == "IAC"
    assert looks_like_id("001A0000006Vm9r", "IAC")
    assert not looks_like_id("001A0000006Vm9r", "AAA")
    assert not looks_like_id("Uncollectible0ab", None)


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / "force-app/main/default" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n{text}', encoding="utf-8")
    return root / "force-app"


def findings(tmp_path, monkeypatch, files):
    tree = write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    return [(f.rule_id, f.line, f.message) for f in validate(tree.relative_to(tmp_path)).findings]


def test_record_globals_outside_record_flows(tmp_path, monkeypatch):
    flow = f"""<Flow {NS}>
    <apiVersion>66.0</apiVersion>
    <assignments>
        <name>Copy</name>
        <label>Copy</label>
        <locationX>0</locationX>
        <locationY>0</locationY>
        <assignmentItems>
            <assignToReference>target</assignToReference>
            <operator>Assign</operator>
            <value>
                <elementReference>$Record.Name</elementReference>
            </value>
        </assignmentItems>
    </assignments>
    <label>Copy</label>
    <processType>AutoLaunchedFlow</processType>
    <start>
        <locationX>0</locationX>
        <locationY>0</locationY>
        <connector>
            <targetReference>Copy</targetReference>
        </connector>
    </start>
    <status>Draft</status>
    <variables>
        <name>target</name>
        <dataType>String</dataType>
        <isCollection>false</isCollection>
        <isInput>false</isInput>
        <isOutput>false</isOutput>
    </variables>
</Flow>
"""
    assert findings(tmp_path, monkeypatch, {"flows/Copy.flow-meta.xml": flow}) == [
        ("reference-unresolved", 13, "`$Record.Name`: `$Record` exists only in flows that start from a record"),
    ]


def action(name, nxt=None, fault=None, dml="false", y=0):
    connector = f"<connector><targetReference>{nxt}</targetReference></connector>" if nxt else ""
    fault_xml = f"<faultConnector><targetReference>{fault}</targetReference></faultConnector>" if fault else ""
    return f"""<actionCalls><name>{name}</name><label>{name}</label><locationX>0</locationX><locationY>{y}</locationY>
<actionName>stripeGC__v02_GetInvoices</actionName><actionType>apex</actionType>{connector}{fault_xml}
<inputParameters><name>accountRecordId</name><value><stringValue>x</stringValue></value></inputParameters>
<inputParameters><name>invoice</name><value><stringValue>in_1</stringValue></value></inputParameters>
<inputParameters><name>performDmlSaveAfterCalls</name><value><booleanValue>{dml}</booleanValue></value></inputParameters>
</actionCalls>"""


def record_flow(body, start_extra="", trigger="Create"):
    return f"""<Flow {NS}>{body}<apiVersion>66.0</apiVersion><label>F</label><processType>AutoLaunchedFlow</processType>
{{creates}}<start><locationX>0</locationX><locationY>0</locationY>{start_extra}<object>Opportunity</object>
<recordTriggerType>{trigger}</recordTriggerType>{{paths}}<triggerType>RecordAfterSave</triggerType></start></Flow>
"""


ASYNC = (
    "<scheduledPaths><name>Later</name><connector><targetReference>First</targetReference></connector>"
    "<label>Later</label><pathType>AsyncAfterCommit</pathType></scheduledPaths>"
)
LOG = (
    "<recordCreates><name>Log</name><label>Log</label><locationX>0</locationX><locationY>0</locationY>"
    "<connector><targetReference>{after}</targetReference></connector>"
    "<inputAssignments><field>stripeGC__Message__c</field><value><elementReference>$Flow.FaultMessage</elementReference></value></inputAssignments>"
    "<object>stripeGC__Sync_Log__c</object></recordCreates>"
)


def test_callout_after_a_fault_handler_that_wrote_a_log_is_flagged(tmp_path, monkeypatch):
    # First fails -> Log (DML) -> Retry (callout): the log write is uncommitted when Retry calls out.
    body = action("First", fault="Log") + action("Retry", fault="Log", y=1)
    flow = record_flow(body).replace("{creates}", LOG.format(after="Retry")).replace("{paths}", ASYNC)
    found = findings(tmp_path, monkeypatch, {"flows/F.flow-meta.xml": flow})
    assert [(rule, message) for rule, _, message in found] == [
        (
            "callout-after-dml",
            "`Retry` makes a callout after `Log` (recordCreates, line 13) wrote records on the Later path",
        ),
    ]  # Log and Retry run only after a fault: error handling, so fault-path-missing exempts them


def test_a_failed_callout_did_not_save_so_its_fault_path_may_call_again(tmp_path, monkeypatch):
    # First (which would save after its call) fails: nothing was saved, so Retry may call out.
    body = action("First", fault="Retry", dml="true") + action("Retry", y=1, fault="Log")
    flow = (
        record_flow(body)
        .replace("{creates}", LOG.replace("<connector><targetReference>{after}</targetReference></connector>", ""))
        .replace("{paths}", ASYNC)
    )
    assert findings(tmp_path, monkeypatch, {"flows/F.flow-meta.xml": flow}) == []


def test_run_asynchronously_path_does_not_need_change_criteria(tmp_path, monkeypatch):
    body = action("First", fault="Log")
    flow = (
        record_flow(body, trigger="Update")
        .replace("{creates}", LOG.replace("<connector><targetReference>{after}</targetReference></connector>", ""))
        .replace("{paths}", ASYNC)
    )
    assert findings(tmp_path, monkeypatch, {"flows/F.flow-meta.xml": flow}) == []


def test_invocable_apex_class_in_the_tree_is_a_known_action(tmp_path, monkeypatch):
    flow = f"""<Flow {NS}><actionCalls><name>Discount</name><label>Discount</label><locationX>0</locationX>
<locationY>0</locationY><actionName>CalculateDiscount</actionName><actionType>apex</actionType>
<faultConnector><targetReference>Oops</targetReference></faultConnector></actionCalls>
<apiVersion>66.0</apiVersion><assignments><name>Oops</name><label>Oops</label><locationX>0</locationX>
<locationY>0</locationY></assignments><label>F</label><processType>AutoLaunchedFlow</processType>
<start><locationX>0</locationX><locationY>0</locationY><connector><targetReference>Discount</targetReference>
</connector></start><status>Draft</status></Flow>
"""
    apex_meta = f"<ApexClass {NS}><apiVersion>66.0</apiVersion><status>Active</status></ApexClass>\n"
    files = {"flows/F.flow-meta.xml": flow, "classes/CalculateDiscount.cls-meta.xml": apex_meta}
    (tmp_path / "force-app/main/default/classes").mkdir(parents=True)
    (tmp_path / "force-app/main/default/classes/CalculateDiscount.cls").write_text(
        "public class CalculateDiscount {}\n"
    )
    assert findings(tmp_path, monkeypatch, files) == []


def test_static_resources_and_settings_are_known_types(tmp_path, monkeypatch):
    resource = (
        f"<StaticResource {NS}><cacheControl>Public</cacheControl>"
        "<contentType>application/zip</contentType></StaticResource>\n"
    )
    files = {
        "staticresources/logo.resource-meta.xml": resource.replace("application/zip", "image/png"),
        "staticresources/widgets.resource-meta.xml": resource,
        "settings/Account.settings-meta.xml": f"<AccountSettings {NS}><enableAccountOwnerReport>true</enableAccountOwnerReport></AccountSettings>\n",
        "settings/Foo.settings-meta.xml": f"<FooSettings {NS}/>\n",
    }
    (tmp_path / "force-app/main/default/staticresources/widgets").mkdir(parents=True)
    (tmp_path / "force-app/main/default/staticresources/widgets/dial.js").write_text("export default {};\n")
    (tmp_path / "force-app/main/default/staticresources/logo.png").write_bytes(b"\x89PNG")
    assert findings(tmp_path, monkeypatch, files) == [
        ("schema-invalid", 2, "the Metadata API v66 schema has no type `FooSettings`"),
    ]
