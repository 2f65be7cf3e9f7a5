"""Flow interpreter semantics with hand-written flows (no callouts needed)."""

import datetime as dt

import pytest
from orgsim_helpers import NS, field, flow, opp, standard_fields, value, write

from orgsim import Org

ASYNC = "<scheduledPaths><connector><targetReference>{0}</targetReference></connector><pathType>AsyncAfterCommit</pathType></scheduledPaths>"


def after(obj="Opportunity", trigger="Create", connector=None, extra=""):
    conn = f"<connector><targetReference>{connector}</targetReference></connector>" if connector else ""
    return (
        f"{conn}<object>{obj}</object><recordTriggerType>{trigger}</recordTriggerType>"
        f"<triggerType>RecordAfterSave</triggerType>{extra}"
    )


def log_create(name, message_value, connector=""):
    return f"""<recordCreates><name>{name}</name><label>{name}</label><locationX>0</locationX><locationY>0</locationY>
        {connector}
        <inputAssignments><field>stripeGC__Action_Taken__c</field>{value("stringValue", name)}</inputAssignments>
        <inputAssignments><field>stripeGC__Message__c</field>{message_value}</inputAssignments>
        <object>stripeGC__Sync_Log__c</object><storeOutputAutomatically>true</storeOutputAutomatically></recordCreates>"""


def logs(org):
    return org.select(
        "stripeGC__Sync_Log__c",
        ["Name", "stripeGC__Action_Taken__c", "stripeGC__Message__c"],
        order_by=[("Name", "ASC")],
    )


def deploy(org, root):
    standard_fields(root)
    org.deploy_source(root)
    return org


def test_before_save_flow_sets_fields_from_formula(org, tmp_path):
    flow(
        tmp_path,
        "Before",
        start="<connector><targetReference>Set_Description</targetReference></connector>"
        "<object>Opportunity</object><recordTriggerType>Create</recordTriggerType><triggerType>RecordBeforeSave</triggerType>",
        body="""<assignments><name>Set_Description</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <assignmentItems><assignToReference>$Record.Description</assignToReference><operator>Assign</operator>
            <value><elementReference>Description_Text</elementReference></value></assignmentItems></assignments>
            <formulas><name>Description_Text</name><dataType>String</dataType>
            <expression>"Cents: " &amp; TEXT(ROUND({!$Record.Amount} * 100, 0))</expression></formulas>""",
    )
    deploy(org, tmp_path)
    rid = org.insert("Opportunity", [opp(amount=12.34)])[0].id
    assert org.retrieve("Opportunity", rid, ["Description"])["Description"] == "Cents: 1234"


def test_after_save_bulk_is_one_query_and_one_dml(org, tmp_path):
    flow(
        tmp_path,
        "Log_On_Create",
        start=after(connector="Get_Owner"),
        body=f"""
        <recordLookups><name>Get_Owner</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <connector><targetReference>Log</targetReference></connector>
            <filterLogic>and</filterLogic>
            <filters><field>Id</field><operator>EqualTo</operator><value><elementReference>$Record.OwnerId</elementReference></value></filters>
            <getFirstRecordOnly>true</getFirstRecordOnly><object>User</object><storeOutputAutomatically>true</storeOutputAutomatically>
        </recordLookups>
        {log_create("Log", "<value><elementReference>Message</elementReference></value>")}
        <textTemplates><name>Message</name><isViewedAsPlainText>true</isViewedAsPlainText>
            <text>{{!$Record.Name}} owned by {{!Get_Owner.Username}}</text></textTemplates>""",
    )
    deploy(org, tmp_path)
    results = org.insert("Opportunity", [opp(f"O{i:03d}") for i in range(200)])
    assert all(r.success for r in results)
    entries = logs(org)
    assert len(entries) == 200 and entries[0]["stripeGC__Message__c"] == "O000 owned by admin@orgsim.local"
    assert entries[0]["Name"] == "SL-00001"
    tx = org.limits_usage()["transactions"][-1]
    assert (tx["soql"], tx["dml"], tx["dml_rows"], tx["interviews"]) == (1, 1, 200, 200)


def test_fault_connector_continues_and_unhandled_fault_fails_only_that_record(org, tmp_path):
    # Creating a Contact without LastName fails; one flow handles it, the other does not.
    create_contact = """<recordCreates><name>Create_Contact</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
        {fault}<inputAssignments><field>FirstName</field>{v}</inputAssignments><object>Contact</object></recordCreates>"""
    flow(
        tmp_path,
        "Handled",
        start=after(connector="Create_Contact", extra='<filterFormula>{!$Record.Name} = "handled"</filterFormula>'),
        body=create_contact.format(
            fault="<faultConnector><targetReference>Log_Fault</targetReference></faultConnector>",
            v=value("stringValue", "x"),
        )
        + log_create("Log_Fault", "<value><elementReference>$Flow.FaultMessage</elementReference></value>"),
    )
    flow(
        tmp_path,
        "Unhandled",
        label="Make Contact",
        start=after(connector="Create_Contact", extra='<filterFormula>{!$Record.Name} = "bad"</filterFormula>'),
        body=create_contact.format(fault="", v=value("stringValue", "x")),
    )
    deploy(org, tmp_path)
    results = org.insert("Opportunity", [opp("handled"), opp("bad"), opp("fine")])
    assert results[0].success and results[2].success
    assert not results[1].success
    error = results[1].errors[0]
    assert error["statusCode"] == "CANNOT_EXECUTE_FLOW_TRIGGER"
    assert (
        "\u201cMake Contact\u201d process failed" in error["message"] and "REQUIRED_FIELD_MISSING" in error["message"]
    )
    assert sorted(r["Name"] for r in org.select("Opportunity", ["Name"])) == ["fine", "handled"]
    (entry,) = logs(org)
    assert entry["stripeGC__Message__c"].startswith(
        "This error occurred when the flow tried to create records: "
        "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]"
    )
    assert org.count("Contact") == 0


def test_update_flow_requires_change_and_recursion_is_a_new_save(org, tmp_path):
    # On reaching Closed Won (only when it changes to it), bump Counter__c on the same record:
    # that update is a new save, which must not fire the flow again.
    flow(
        tmp_path,
        "Count_Wins",
        start=after(
            trigger="Update",
            connector="Bump",
            extra=(
                "<doesRequireRecordChangedToMeetCriteria>true</doesRequireRecordChangedToMeetCriteria>"
                "<filterLogic>and</filterLogic><filters><field>StageName</field><operator>EqualTo</operator>"
                + value("stringValue", "Closed Won")
                + "</filters>"
            ),
        ),
        body="""<recordUpdates><name>Bump</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <filterLogic>and</filterLogic><filters><field>Id</field><operator>EqualTo</operator>
            <value><elementReference>$Record.Id</elementReference></value></filters>
            <inputAssignments><field>Counter__c</field><value><elementReference>Next</elementReference></value></inputAssignments>
            <object>Opportunity</object></recordUpdates>
            <formulas><name>Next</name><dataType>Number</dataType><expression>BLANKVALUE({!$Record.Counter__c}, 0) + 1</expression><scale>0</scale></formulas>""",
    )
    deploy(org, tmp_path)
    rid = org.insert("Opportunity", [opp()])[0].id
    org.update("Opportunity", [{"Id": rid, "StageName": "Closed Won"}])
    org.update("Opportunity", [{"Id": rid, "Description": "unrelated edit"}])
    assert org.retrieve("Opportunity", rid, ["Counter__c"])["Counter__c"] == 1


def test_naive_self_update_hits_maximum_trigger_depth(org, tmp_path):
    flow(
        tmp_path,
        "Naive",
        start=after(trigger="Update", connector="Touch"),
        body="""
        <recordUpdates><name>Touch</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <inputReference>$Record</inputReference></recordUpdates>""",
    )
    deploy(org, tmp_path)
    rid = org.insert("Opportunity", [opp()])[0].id
    (result,) = org.update("Opportunity", [{"Id": rid, "Description": "x"}])
    assert not result.success and "Maximum trigger depth exceeded" in result.errors[0]["message"]
    assert org.retrieve("Opportunity", rid, ["Description"])["Description"] is None


def test_soql_limit_throws_and_rolls_back(org, tmp_path):
    # A loop of Get Records: 101 queries in one transaction.
    flow(
        tmp_path,
        "Query_Loop",
        start=after(connector="Get_Any"),
        body="""
        <assignments><name>Count</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <connector><targetReference>Again</targetReference></connector>
            <assignmentItems><assignToReference>n</assignToReference><operator>Add</operator><value><numberValue>1</numberValue></value></assignmentItems>
        </assignments>
        <decisions><name>Again</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <defaultConnectorLabel>done</defaultConnectorLabel>
            <rules><name>More</name><conditionLogic>and</conditionLogic>
                <conditions><leftValueReference>n</leftValueReference><operator>LessThan</operator><rightValue><numberValue>200</numberValue></rightValue></conditions>
                <connector><targetReference>Get_Any</targetReference></connector><label>more</label></rules>
        </decisions>
        <recordLookups><name>Get_Any</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <connector><targetReference>Count</targetReference></connector>
            <getFirstRecordOnly>true</getFirstRecordOnly><object>Account</object><storeOutputAutomatically>true</storeOutputAutomatically>
        </recordLookups>
        <variables><name>n</name><dataType>Number</dataType><isCollection>false</isCollection><isInput>false</isInput>
            <isOutput>false</isOutput><scale>0</scale><value><numberValue>0</numberValue></value></variables>""",
    )
    deploy(org, tmp_path)
    results = org.insert("Opportunity", [opp("a"), opp("b")])
    for r in results:
        assert not r.success and r.errors[0]["statusCode"] == "CANNOT_EXECUTE_FLOW_TRIGGER"
        assert "System.LimitException: Too many SOQL queries: 101" in r.errors[0]["message"]
    assert org.count("Opportunity") == 0
    assert org.limits_usage()["transactions"][-1]["outcome"].startswith("rolled back: System.LimitException")


CALLOUT = """<actionCalls><name>Get_Customer</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
    <actionName>stripeGC__v02_GetCustomers</actionName><actionType>apex</actionType>
    <faultConnector><targetReference>Log_Fault</targetReference></faultConnector>
    <flowTransactionModel>CurrentTransaction</flowTransactionModel>
    <inputParameters><name>accountRecordId</name><value><stringValue>a0A000000000001</stringValue></value></inputParameters>
    <inputParameters><name>customer</name><value><stringValue>cus_1</stringValue></value></inputParameters>
    <nameSegment>stripeGC__v02_GetCustomers</nameSegment><storeOutputAutomatically>true</storeOutputAutomatically></actionCalls>"""


def test_callout_after_dml_fails_with_uncommitted_work(org, tmp_path):
    flow(
        tmp_path,
        "Dml_Then_Callout",
        start=after(extra=ASYNC.format("Log_First")),
        body=log_create(
            "Log_First",
            value("stringValue", "before the callout"),
            "<connector><targetReference>Get_Customer</targetReference></connector>",
        )
        + CALLOUT
        + log_create("Log_Fault", "<value><elementReference>$Flow.FaultMessage</elementReference></value>"),
    )
    deploy(org, tmp_path)
    assert org.insert("Opportunity", [opp()])[0].success
    messages = [e["stripeGC__Message__c"] for e in logs(org)]
    assert messages == [
        "before the callout",
        "An Apex error occurred: System.CalloutException: "
        "You have uncommitted work pending. Please commit or rollback before calling out",
    ]


def test_callout_in_synchronous_trigger_context_fails(org, tmp_path):
    flow(
        tmp_path,
        "Sync_Callout",
        start=after(connector="Get_Customer"),
        body=CALLOUT
        + log_create("Log_Fault", "<value><elementReference>$Flow.FaultMessage</elementReference></value>"),
    )
    deploy(org, tmp_path)
    assert org.insert("Opportunity", [opp()])[0].success
    assert "uncommitted work pending" in logs(org)[0]["stripeGC__Message__c"]


def test_async_path_runs_after_commit_in_batches(tmp_path, clock):
    org = Org.open(":memory:", clock=clock, async_batch_size=50, run_async="manual")
    flow(
        tmp_path,
        "Async_Log",
        start=after(extra=ASYNC.format("Get_Owner")),
        body=f"""
        <recordLookups><name>Get_Owner</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <connector><targetReference>Log</targetReference></connector>
            <filters><field>Id</field><operator>EqualTo</operator><value><elementReference>$Record.OwnerId</elementReference></value></filters>
            <getFirstRecordOnly>true</getFirstRecordOnly><object>User</object><storeOutputAutomatically>true</storeOutputAutomatically>
        </recordLookups>
        {log_create("Log", "<value><elementReference>$Record.Name</elementReference></value>")}""",
    )
    deploy(org, tmp_path)
    org.insert("Opportunity", [opp(f"O{i}") for i in range(200)])
    assert org.count("stripeGC__Sync_Log__c") == 0 and len(org.pending_work()) == 200  # nothing before the commit
    assert org.run_pending() == 200
    async_tx = [t for t in org.limits_usage()["transactions"] if t["label"].startswith("async")]
    assert [(t["interviews"], t["soql"], t["dml"], t["dml_rows"]) for t in async_tx] == [(50, 1, 1, 50)] * 4
    assert org.count("stripeGC__Sync_Log__c") == 200


def test_scheduled_path_runs_when_due_and_is_dropped_when_conditions_stop(org, tmp_path, clock):
    sched = (
        "<scheduledPaths><name>After_30_Days</name><connector><targetReference>Log</targetReference></connector>"
        "<label>30 days</label><offsetNumber>30</offsetNumber><offsetUnit>Days</offsetUnit>"
        "<recordField>Due_Date__c</recordField><timeSource>RecordField</timeSource></scheduledPaths>"
    )
    flow(
        tmp_path,
        "Reminder",
        start=after(
            trigger="CreateAndUpdate",
            extra=(
                "<doesRequireRecordChangedToMeetCriteria>true</doesRequireRecordChangedToMeetCriteria>"
                "<filterLogic>and</filterLogic><filters><field>Stripe_Payment_Status__c</field><operator>EqualTo</operator>"
                + value("stringValue", "Open")
                + "</filters>"
                + sched
            ),
        ),
        body=log_create("Log", "<value><elementReference>$Record.Name</elementReference></value>"),
    )
    deploy(org, tmp_path)
    today = clock.now().date()
    a, b, c = [
        r.id
        for r in org.insert(
            "Opportunity",
            [
                opp("paid later", Stripe_Payment_Status__c="Open", Due_Date__c=today.isoformat()),
                opp("still open", Stripe_Payment_Status__c="Open", Due_Date__c=today.isoformat()),
                opp("moved", Stripe_Payment_Status__c="Open", Due_Date__c=today.isoformat()),
            ],
        )
    ]
    assert len(org.pending_work()) == 3
    org.update("Opportunity", [{"Id": a, "Stripe_Payment_Status__c": "Paid"}])  # no longer meets: dropped
    org.update("Opportunity", [{"Id": c, "Due_Date__c": (today + dt.timedelta(days=10)).isoformat()}])  # rescheduled
    assert org.clock.advance(days=29) == 0 and logs(org) == []
    assert org.clock.advance(days=1) == 1
    assert [e["stripeGC__Message__c"] for e in logs(org)] == ["still open"]
    assert org.clock.advance(days=10) == 1
    assert [e["stripeGC__Message__c"] for e in logs(org)] == ["still open", "moved"]
    assert org.pending_work() == []
    assert clock.now() == dt.datetime.combine(today + dt.timedelta(days=40), dt.time(9), dt.timezone.utc)


def test_email_alert_renders_template_and_resolves_recipients(org, tmp_path):
    field(tmp_path, "Opportunity", "Billing_Email__c", "<label>Billing email</label><type>Email</type>")
    write(
        tmp_path,
        "email/Reminders/Pay_Now.email",
        "Hello {!Opportunity.Account},\npay {!Opportunity.Billing_Email__c} now.",
    )
    write(
        tmp_path,
        "email/Reminders/Pay_Now.email-meta.xml",
        f"""<EmailTemplate {NS}><available>true</available>
        <encodingKey>UTF-8</encodingKey><name>Pay Now</name><style>none</style><subject>Invoice for {{!Opportunity.Name}}</subject>
        <type>text</type><uiType>Aloha</uiType></EmailTemplate>""",
    )
    write(
        tmp_path,
        "workflows/Opportunity.workflow-meta.xml",
        f"""<Workflow {NS}><alerts><fullName>Pay_Now</fullName>
        <description>x</description><protected>false</protected><recipients><type>owner</type></recipients>
        <recipients><field>Billing_Email__c</field><type>email</type></recipients>
        <senderType>CurrentUser</senderType><template>Reminders/Pay_Now</template></alerts></Workflow>""",
    )
    flow(
        tmp_path,
        "Alert",
        start=after(connector="Send"),
        body="""<actionCalls><name>Send</name><label>x</label>
        <locationX>0</locationX><locationY>0</locationY><actionName>Opportunity.Pay_Now</actionName><actionType>emailAlert</actionType>
        <flowTransactionModel>CurrentTransaction</flowTransactionModel>
        <inputParameters><name>SObjectRowId</name><value><elementReference>$Record.Id</elementReference></value></inputParameters>
        <nameSegment>Opportunity.Pay_Now</nameSegment></actionCalls>""",
    )
    deploy(org, tmp_path)
    acc = org.insert("Account", [{"Name": "Acme"}])[0].id
    rid = org.insert("Opportunity", [opp("Gala", amount=1234.5, AccountId=acc, Billing_Email__c="pay@acme.test")])[0].id
    (mail,) = org.outbox()
    assert mail["alert"] == "Opportunity.Pay_Now" and mail["record_id"] == rid
    assert mail["recipients"] == ["admin@orgsim.local", "pay@acme.test"]
    assert mail["subject"] == "Invoice for Gala" and mail["body"] == "Hello Acme,\npay pay@acme.test now.\n"


def test_decision_custom_logic_and_parent_field(org, tmp_path):
    write(
        tmp_path,
        "objects/Opportunity/businessProcesses/Sales.businessProcess-meta.xml",
        f"<BusinessProcess {NS}><fullName>Sales</fullName><isActive>true</isActive>"
        "<values><fullName>Prospecting</fullName><default>true</default></values></BusinessProcess>",
    )
    write(
        tmp_path,
        "objects/Opportunity/recordTypes/Nonprofit.recordType-meta.xml",
        f"<RecordType {NS}><fullName>Nonprofit</fullName><active>true</active><businessProcess>Sales</businessProcess>"
        "<label>Nonprofit</label></RecordType>",
    )
    flow(
        tmp_path,
        "Route",
        start=after(connector="Which"),
        body=f"""
        <decisions><name>Which</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <defaultConnector><targetReference>Log_Other</targetReference></defaultConnector><defaultConnectorLabel>other</defaultConnectorLabel>
            <rules><name>Nonprofit_Big</name><conditionLogic>1 AND (2 OR 3)</conditionLogic>
                <conditions><leftValueReference>$Record.RecordType.DeveloperName</leftValueReference><operator>EqualTo</operator>{value("stringValue", "Nonprofit").replace("value>", "rightValue>")}</conditions>
                <conditions><leftValueReference>$Record.Amount</leftValueReference><operator>GreaterThanOrEqualTo</operator><rightValue><numberValue>1000</numberValue></rightValue></conditions>
                <conditions><leftValueReference>$Record.Description</leftValueReference><operator>Contains</operator><rightValue><stringValue>VIP</stringValue></rightValue></conditions>
                <connector><targetReference>Log_Match</targetReference></connector><label>match</label></rules>
        </decisions>
        {log_create("Log_Match", "<value><elementReference>$Record.Name</elementReference></value>")}
        {log_create("Log_Other", "<value><elementReference>$Record.Name</elementReference></value>")}""",
    )
    deploy(org, tmp_path)
    rt = org.select("RecordType", ["Id"], None)[0]["Id"]
    org.insert(
        "Opportunity",
        [
            opp("big", amount=5000, RecordTypeId=rt),
            opp("vip", amount=5, RecordTypeId=rt, Description="a VIP"),
            opp("small", amount=5, RecordTypeId=rt),
            opp("norecordtype", amount=5000),
        ],
    )
    got = {e["stripeGC__Message__c"]: e["stripeGC__Action_Taken__c"] for e in logs(org)}
    assert got == {"big": "Log_Match", "vip": "Log_Match", "small": "Log_Other", "norecordtype": "Log_Other"}


def test_loop_over_records(org, tmp_path):
    flow(
        tmp_path,
        "Loop_Accounts",
        start=after(connector="Get_Accounts"),
        body=f"""
        <recordLookups><name>Get_Accounts</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <connector><targetReference>Each_Account</targetReference></connector>
            <getFirstRecordOnly>false</getFirstRecordOnly><object>Account</object>
            <sortField>Name</sortField><sortOrder>Desc</sortOrder><storeOutputAutomatically>true</storeOutputAutomatically>
        </recordLookups>
        <loops><name>Each_Account</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <collectionReference>Get_Accounts</collectionReference><iterationOrder>Asc</iterationOrder>
            <nextValueConnector><targetReference>Collect</targetReference></nextValueConnector>
            <noMoreValuesConnector><targetReference>Log</targetReference></noMoreValuesConnector>
        </loops>
        <assignments><name>Collect</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <connector><targetReference>Each_Account</targetReference></connector>
            <assignmentItems><assignToReference>names</assignToReference><operator>Add</operator>
                <value><elementReference>Each_Account.Name</elementReference></value></assignmentItems>
            <assignmentItems><assignToReference>names</assignToReference><operator>Add</operator>{value("stringValue", ";")}</assignmentItems>
        </assignments>
        {log_create("Log", "<value><elementReference>names</elementReference></value>")}
        <variables><name>names</name><dataType>String</dataType><isCollection>false</isCollection><isInput>false</isInput><isOutput>false</isOutput></variables>""",
    )
    deploy(org, tmp_path)
    org.insert("Account", [{"Name": "Alpha"}, {"Name": "Beta"}, {"Name": "Gamma"}])
    org.insert("Opportunity", [opp()])
    assert logs(org)[0]["stripeGC__Message__c"] == "Gamma;Beta;Alpha;"


def test_email_alert_goes_to_smtp_when_configured(tmp_path, clock):
    from aiosmtpd.controller import Controller

    from sfpay.serving import free_port

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.mail_from, envelope.rcpt_tos, envelope.content.decode()))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        org = Org.open(":memory:", clock=clock, smtp=("127.0.0.1", port))
        write(tmp_path, "email/Reminders/Note.email", "Hi {!Opportunity.Name}")
        write(
            tmp_path,
            "email/Reminders/Note.email-meta.xml",
            f"""<EmailTemplate {NS}><available>true</available>
            <encodingKey>UTF-8</encodingKey><name>Note</name><style>none</style><subject>About {{!Opportunity.Name}}</subject>
            <type>text</type><uiType>Aloha</uiType></EmailTemplate>""",
        )
        write(
            tmp_path,
            "workflows/Opportunity.workflow-meta.xml",
            f"""<Workflow {NS}><alerts><fullName>Note</fullName>
            <description>x</description><protected>false</protected><recipients><type>owner</type></recipients>
            <ccEmails>cc@example.test</ccEmails><senderType>CurrentUser</senderType><template>Reminders/Note</template></alerts></Workflow>""",
        )
        flow(
            tmp_path,
            "Alert",
            start=after(connector="Send"),
            body="""<actionCalls><name>Send</name><label>x</label>
            <locationX>0</locationX><locationY>0</locationY><actionName>Opportunity.Note</actionName><actionType>emailAlert</actionType>
            <inputParameters><name>SObjectRowId</name><value><elementReference>$Record.Id</elementReference></value></inputParameters>
            </actionCalls>""",
        )
        deploy(org, tmp_path)
        org.insert("Opportunity", [opp("Gala")])
    finally:
        controller.stop()
    (mail,) = org.outbox()
    assert mail["smtp_status"] == "sent"
    ((sender, rcpts, content),) = received
    assert sender == "admin@orgsim.local" and sorted(rcpts) == ["admin@orgsim.local", "cc@example.test"]
    assert "Subject: About Gala" in content and "Hi Gala" in content


def test_unhandled_fault_in_async_path_is_a_failed_interview_and_others_commit(org, tmp_path):
    flow(
        tmp_path,
        "Async_Contact",
        start=after(extra=ASYNC.format("Log")),
        body=(
            log_create(
                "Log",
                "<value><elementReference>$Record.Name</elementReference></value>",
                "<connector><targetReference>Make_Contact</targetReference></connector>",
            )
            + """<recordCreates><name>Make_Contact</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <inputAssignments><field>LastName</field><value><elementReference>Last_Name</elementReference></value></inputAssignments>
            <object>Contact</object></recordCreates>
            <formulas><name>Last_Name</name><dataType>String</dataType>
            <expression>IF({!$Record.Name} = "bad", "", {!$Record.Name})</expression></formulas>"""
        ),
    )
    deploy(org, tmp_path)
    ids = [r.id for r in org.insert("Opportunity", [opp("good"), opp("bad"), opp("fine")])]
    assert all(ids)
    (failure,) = org.failed_interviews()
    assert (failure["flow"], failure["path"], failure["element"], failure["record_id"], failure["kind"]) == (
        "Async_Contact",
        "AsyncAfterCommit",
        "Make_Contact",
        ids[1],
        "async",
    )
    assert "REQUIRED_FIELD_MISSING" in failure["message"]
    # The failed interview's own work rolled back; the other two committed on the retry.
    assert sorted(r["stripeGC__Message__c"] for r in logs(org)) == ["fine", "good"]
    assert sorted(r["LastName"] for r in org.select("Contact", ["LastName"])) == ["fine", "good"]


def test_custom_error_stops_the_save_like_a_validation_rule(org, tmp_path):
    flow(
        tmp_path,
        "Guard",
        start="<connector><targetReference>Too_Big</targetReference></connector>"
        "<object>Opportunity</object><recordTriggerType>Create</recordTriggerType><triggerType>RecordBeforeSave</triggerType>",
        body="""<decisions><name>Too_Big</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <defaultConnectorLabel>ok</defaultConnectorLabel>
            <rules><name>Big</name><conditionLogic>and</conditionLogic>
                <conditions><leftValueReference>$Record.Amount</leftValueReference><operator>GreaterThan</operator>
                <rightValue><numberValue>1000</numberValue></rightValue></conditions>
                <connector><targetReference>Refuse</targetReference></connector><label>big</label></rules></decisions>
            <customErrors><name>Refuse</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
                <customErrorMessages><errorMessage>{!$Record.Name} is over the online limit.</errorMessage>
                <fieldSelection>Amount</fieldSelection><isFieldError>true</isFieldError></customErrorMessages></customErrors>""",
    )
    deploy(org, tmp_path)
    small, big = org.insert("Opportunity", [opp("small", amount=10), opp("Gala", amount=5000)])
    assert small.success and not big.success
    assert big.errors == [
        {
            "statusCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
            "message": "Gala is over the online limit.",
            "fields": ["Amount"],
        }
    ]
    assert [r["Name"] for r in org.select("Opportunity", ["Name"])] == ["small"]


def test_dml_group_is_served_before_a_callout_group_of_other_interviews(org, tmp_path):
    """Issue 12 defect 1 in miniature. The callout interview is saved first, so serving the
    first-waiting group would let its callout through; the order of groups at different elements
    is undocumented (Salesforce Help, "Flow Bulkification in Transactions"), so orgsim serves the
    DML group first and the callout fails with uncommitted work pending, as it may in a real org."""
    flow(
        tmp_path,
        "Mixed",
        start=after(extra=ASYNC.format("Which")),
        body=f"""
        <decisions><name>Which</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            <defaultConnector><targetReference>Get_Customer</targetReference></defaultConnector><defaultConnectorLabel>call</defaultConnectorLabel>
            <rules><name>Small</name><conditionLogic>and</conditionLogic>
                <conditions><leftValueReference>$Record.Amount</leftValueReference><operator>LessThan</operator><rightValue><numberValue>50</numberValue></rightValue></conditions>
                <connector><targetReference>Log_Small</targetReference></connector><label>small</label></rules>
        </decisions>
        {CALLOUT}
        {log_create("Log_Small", "<value><elementReference>$Record.Name</elementReference></value>")}
        {log_create("Log_Fault", "<value><elementReference>$Flow.FaultMessage</elementReference></value>")}""",
    )
    deploy(org, tmp_path)
    assert all(r.success for r in org.insert("Opportunity", [opp("calls out", amount=500), opp("writes", amount=5)]))
    messages = [e["stripeGC__Message__c"] for e in logs(org)]
    assert messages == [
        "writes",
        "An Apex error occurred: System.CalloutException: "
        "You have uncommitted work pending. Please commit or rollback before calling out",
    ]


def sched_path(name="Later", *, number="1", unit="Minutes", source="RecordTriggerEvent", batch=None, path_type=None):
    parts = [f"<name>{name}</name><connector><targetReference>Log</targetReference></connector><label>{name}</label>"]
    if batch is not None:
        parts.append(f"<maxBatchSize>{batch}</maxBatchSize>")
    if number is not None:
        parts.append(f"<offsetNumber>{number}</offsetNumber>")
    if unit is not None:
        parts.append(f"<offsetUnit>{unit}</offsetUnit>")
    if path_type:
        parts.append(f"<pathType>{path_type}</pathType>")
    if source is not None:
        parts.append(f"<timeSource>{source}</timeSource>")
    return "<scheduledPaths>" + "".join(parts) + "</scheduledPaths>"


def log_flow(root, paths: str):
    flow(
        root,
        "Later_Log",
        start=after(extra=paths),
        body=log_create("Log", "<value><elementReference>$Record.Name</elementReference></value>"),
    )


@pytest.mark.parametrize(
    "path, message",
    [
        (
            ASYNC.format("Log").replace("<pathType>", "<maxBatchSize>25</maxBatchSize><pathType>"),
            "maxBatchSize on an AsyncAfterCommit (Run Asynchronously) path is not documented as honoured",
        ),
        (sched_path(batch=0), "maxBatchSize '0' must be a whole number from 1 to 200"),
        (sched_path(batch=201), "maxBatchSize '201' must be a whole number from 1 to 200"),
        (sched_path(number="0"), "offsetNumber 0 is not documented"),
        (sched_path(number=None), "offsetNumber None must be a whole number"),
        (sched_path(unit=None), "offsetUnit None"),
        (sched_path(source=None), "timeSource None"),
        (sched_path(number="-1"), "a negative offset (before) the triggering event cannot be scheduled"),
    ],
)
def test_undocumented_scheduled_path_settings_are_refused_at_load(org, tmp_path, path, message):
    from orgsim import MetadataError

    log_flow(tmp_path, path)
    standard_fields(tmp_path)
    with pytest.raises(MetadataError) as err:
        org.deploy_source(tmp_path)
    assert message in str(err.value)
    assert err.value.where.startswith("flow Later_Log, scheduled path ")
    assert org.flows() == []  # nothing applied


def test_scheduled_path_batch_size_one_runs_each_interview_in_its_own_transaction(org, tmp_path):
    log_flow(tmp_path, sched_path(batch=1))
    deploy(org, tmp_path)
    org.insert("Opportunity", [opp(f"O{i}") for i in range(3)])
    assert logs(org) == [] and len(org.pending_work()) == 3  # 1 minute after the save
    assert org.clock.advance(minutes=1) == 3
    tx = [t for t in org.limits_usage()["transactions"] if t["label"].startswith("scheduled")]
    assert [(t["interviews"], t["dml"]) for t in tx] == [(1, 1)] * 3
    assert sorted(e["stripeGC__Message__c"] for e in logs(org)) == ["O0", "O1", "O2"]


def test_scheduled_path_default_batch_size_is_200(org, tmp_path):
    log_flow(tmp_path, sched_path())
    deploy(org, tmp_path)
    org.insert("Opportunity", [opp(f"A{i}") for i in range(200)])
    org.insert("Opportunity", [opp(f"B{i}") for i in range(50)])  # same (frozen) save time: due together
    assert org.clock.advance(minutes=1) == 250
    tx = [t for t in org.limits_usage()["transactions"] if t["label"].startswith("scheduled")]
    assert [t["interviews"] for t in tx] == [200, 50]


GATE = (
    "<doesRequireRecordChangedToMeetCriteria>true</doesRequireRecordChangedToMeetCriteria>"
    "<filterFormula>{0}</filterFormula>"
)


@pytest.mark.parametrize(
    "formula, used",
    [
        ("AND({!$Record.Amount} &gt;= 1, ISCHANGED({!$Record.Amount}))", "ISCHANGED"),
        ("PRIORVALUE({!$Record.Amount}) &lt; {!$Record.Amount}", "PRIORVALUE"),
    ],
)
def test_prior_value_functions_in_an_updated_to_meet_gate_are_refused(org, tmp_path, formula, used):
    """Issue 12 defect 5: Salesforce documents the gate (fires when the prior version did not
    meet the conditions and the new one does), not what ISCHANGED/PRIORVALUE mean inside it."""
    from orgsim import MetadataError

    flow(
        tmp_path,
        "Gate",
        start=after(trigger="Update", connector="Log", extra=GATE.format(formula)),
        body=log_create("Log", "<value><elementReference>$Record.Name</elementReference></value>"),
    )
    standard_fields(tmp_path)
    with pytest.raises(MetadataError) as err:
        org.deploy_source(tmp_path)
    assert err.value.where == "flow Gate, element start"
    assert f"{used} in the entry conditions together with doesRequireRecordChangedToMeetCriteria=true" in str(err.value)


def test_is_changed_condition_in_an_updated_to_meet_gate_is_refused(org, tmp_path):
    from orgsim import MetadataError

    flow(
        tmp_path,
        "Gate",
        start=after(
            trigger="Update",
            connector="Log",
            extra=(
                "<doesRequireRecordChangedToMeetCriteria>true</doesRequireRecordChangedToMeetCriteria>"
                "<filterLogic>and</filterLogic><filters><field>Amount</field><operator>IsChanged</operator>"
                + value("booleanValue", "true")
                + "</filters>"
            ),
        ),
        body=log_create("Log", "<value><elementReference>$Record.Name</elementReference></value>"),
    )
    standard_fields(tmp_path)
    with pytest.raises(MetadataError, match="the IsChanged operator in the entry conditions"):
        org.deploy_source(tmp_path)


def test_updated_to_meet_gate_fires_only_on_the_transition(org, tmp_path):
    """The documented rule, state-only: fires when the prior version did not meet the
    conditions and the new one does; not again while it keeps meeting them; again after it
    stopped meeting them and meets them once more."""
    flow(
        tmp_path,
        "Gate",
        start=after(trigger="Update", connector="Log", extra=GATE.format("{!$Record.Amount} &gt;= 100")),
        body=log_create("Log", "<value><elementReference>$Record.Name</elementReference></value>"),
    )
    deploy(org, tmp_path)
    rid = org.insert("Opportunity", [opp("gate", amount=10)])[0].id
    for amount in (50, 150, 200, 20, 300):
        org.update("Opportunity", [{"Id": rid, "Amount": amount}])
    assert len(logs(org)) == 2  # 50->150 and 20->300; not 10->50, 150->200 or 200->20


def test_formula_resources_are_recalculated_at_each_reference(org, tmp_path):
    """A formula resource is evaluated again wherever it is referenced (here after each
    assignment changed what it reads); inside one evaluation a resource referenced twice
    reads the same state, so both references agree."""

    def assign(target: str, ref: str) -> str:
        return (
            f"<assignmentItems><assignToReference>{target}</assignToReference><operator>Assign</operator>"
            f"<value><elementReference>{ref}</elementReference></value></assignmentItems>"
        )

    flow(
        tmp_path,
        "Recalc",
        start="<connector><targetReference>Count</targetReference></connector>"
        "<object>Opportunity</object><recordTriggerType>Create</recordTriggerType><triggerType>RecordBeforeSave</triggerType>",
        body=f"""<assignments><name>Count</name><label>x</label><locationX>0</locationX><locationY>0</locationY>
            {assign("Counter", "Next")}{assign("Counter", "Next")}{assign("$Record.Description", "Summary")}</assignments>
            <formulas><name>Next</name><dataType>Number</dataType><scale>0</scale><expression>{{!Counter}} + 1</expression></formulas>
            <formulas><name>Doubled</name><dataType>Number</dataType><scale>0</scale><expression>{{!Next}} + {{!Next}}</expression></formulas>
            <formulas><name>Summary</name><dataType>String</dataType>
            <expression>TEXT({{!Counter}}) &amp; "/" &amp; TEXT({{!Doubled}}) &amp; "/" &amp; TEXT({{!Next}})</expression></formulas>
            <variables><name>Counter</name><dataType>Number</dataType><isCollection>false</isCollection>
            <isInput>false</isInput><isOutput>false</isOutput><scale>0</scale>
            <value><numberValue>0</numberValue></value></variables>""",
    )
    deploy(org, tmp_path)
    rid = org.insert("Opportunity", [opp()])[0].id
    assert org.retrieve("Opportunity", rid, ["Description"])["Description"] == "2/6/3"
