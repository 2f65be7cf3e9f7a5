"""One targeted edit of a valid, hand-written project gives exactly the expected finding.

The valid project (tests/validator/fixtures/valid_project) passes cleanly; each case below
breaks one thing the way a person editing in Flow Builder or a text editor would, and
checks the rule that must catch it, with its location.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from validate_helpers import FIXTURES

from validator.engine import validate

FLOWS = "force-app/main/default/flows/"
INVOICE = FLOWS + "Opportunity_Create_Stripe_Invoice.flow-meta.xml"
EVENTS = FLOWS + "Stripe_Event_Update_Payment_Status.flow-meta.xml"
REMINDER = FLOWS + "Opportunity_Payment_Reminder.flow-meta.xml"
WON = FLOWS + "Opportunity_Set_Close_Date_When_Won.flow-meta.xml"
TASKS = FLOWS + "Close_Open_Tasks.flow-meta.xml"
PLEDGE = FLOWS + "Log_Donation_Pledge.flow-meta.xml"
PERMSET = "force-app/main/default/permissionsets/Stripe_Payments.permissionset-meta.xml"
WORKFLOW = "force-app/main/default/workflows/Opportunity.workflow-meta.xml"
TEMPLATE = "force-app/main/default/email/Stripe_Payments/Payment_Reminder.email"
TEMPLATE_META = TEMPLATE + "-meta.xml"
URL_FIELD = "force-app/main/default/objects/Opportunity/fields/Stripe_Invoice_URL__c.field-meta.xml"

SYNC_START = """        <connector>
            <targetReference>Get_Stripe_Account</targetReference>
        </connector>
        <filterLogic>and</filterLogic>"""
ASYNC_PATH = """        <scheduledPaths>
            <name>Run_After_Commit</name>
            <connector>
                <targetReference>Get_Stripe_Account</targetReference>
            </connector>
            <label>Run After Commit</label>
            <pathType>AsyncAfterCommit</pathType>
        </scheduledPaths>
"""

CASES = {
    "callouts moved to the immediate path": (
        [
            (INVOICE, ASYNC_PATH, ""),
            (
                INVOICE,
                "        <filterLogic>and</filterLogic>\n        <filters>\n            <field>Amount",
                SYNC_START + "\n        <filters>\n            <field>Amount",
            ),
        ],
        [
            (
                "callout-not-async",
                INVOICE,
                3,
                "`Create_Customer` calls `stripeGC__v02_CreateCustomers` on the immediate path of a RecordAfterSave flow, inside the triggering save",
            ),
            (
                "callout-not-async",
                INVOICE,
                45,
                "`Create_Invoice` calls `stripeGC__v02_CreateInvoices` on the immediate path of a RecordAfterSave flow, inside the triggering save",
            ),
            (
                "callout-not-async",
                INVOICE,
                104,
                "`Add_Invoice_Item` calls `stripeGC__v02_CreateInvoiceitems` on the immediate path of a RecordAfterSave flow, inside the triggering save",
            ),
            (
                "callout-not-async",
                INVOICE,
                163,
                "`Finalize_Invoice` calls `stripeGC__v02_PostInvoicesFinalize` on the immediate path of a RecordAfterSave flow, inside the triggering save",
            ),
        ],
    ),
    "first connector action saves before the next callout": (
        [(INVOICE, "<booleanValue>false</booleanValue>", "<booleanValue>true</booleanValue>", 1)],
        [
            (
                "callout-after-dml",
                INVOICE,
                45,
                "`Create_Invoice` makes a callout after `Create_Customer` (connector action with performDmlSaveAfterCalls not false, line 3) wrote records on the Run_After_Commit path",
            ),
            (
                "callout-after-dml",
                INVOICE,
                104,
                "`Add_Invoice_Item` makes a callout after `Create_Customer` (connector action with performDmlSaveAfterCalls not false, line 3) wrote records on the Run_After_Commit path",
            ),
            (
                "callout-after-dml",
                INVOICE,
                163,
                "`Finalize_Invoice` makes a callout after `Create_Customer` (connector action with performDmlSaveAfterCalls not false, line 3) wrote records on the Run_After_Commit path",
            ),
        ],
    ),
    "action output field misspelt": (
        [(INVOICE, "Finalize_Invoice.hostedInvoiceUrl", "Finalize_Invoice.hostedUrl")],
        [
            (
                "reference-unresolved",
                INVOICE,
                466,
                "`Finalize_Invoice.hostedUrl`: the output of `Finalize_Invoice` (v02_Invoice) has no field `hostedUrl`; did you mean `hostedInvoiceUrl`?",
            )
        ],
    ),
    "prior record in a create-only flow": (
        [
            (
                INVOICE,
                "<elementReference>$Record.Name</elementReference>",
                "<elementReference>$Record__Prior.Name</elementReference>",
            )
        ],
        [
            (
                "reference-unresolved",
                INVOICE,
                139,
                "`$Record__Prior.Name`: `$Record__Prior` exists only in flows triggered on update (this one triggers on Create)",
            )
        ],
    ),
    "merge field in a text template names a missing resource": (
        [(INVOICE, "{!Stripe_Account_Name}", "{!Stripe_Account_Label}")],
        [
            (
                "reference-unresolved",
                INVOICE,
                504,
                "`Stripe_Account_Label`: the flow has no element or resource named `Stripe_Account_Label`; did you mean `Stripe_Account_Name`?",
            )
        ],
    ),
    "fault connector removed from a record update": (
        [
            (
                INVOICE,
                """        <faultConnector>
            <targetReference>Log_Stripe_Failure</targetReference>
        </faultConnector>
        <filterLogic>and</filterLogic>
        <filters>
            <field>Id</field>
            <operator>EqualTo</operator>
            <value>
                <elementReference>$Record.Id</elementReference>""",
                """        <filterLogic>and</filterLogic>
        <filters>
            <field>Id</field>
            <operator>EqualTo</operator>
            <value>
                <elementReference>$Record.Id</elementReference>""",
            )
        ],
        [("fault-path-missing", INVOICE, 441, "recordUpdates `Write_Invoice_To_Opportunity` has no fault connector")],
    ),
    "18-character value whose checksum is not an id": (
        [
            (
                INVOICE,
                "<stringValue>Nonprofit Alliance Stripe</stringValue>",
                "<stringValue>a0B5e00000AbCdEFGH</stringValue>",
            )
        ],
        [],  # not an id: the 18-character checksum does not match, so this is just a name
    ),
    "hard-coded real id in a constant": (
        [
            (
                INVOICE,
                "<stringValue>Nonprofit Alliance Stripe</stringValue>",
                "<stringValue>001A0000006Vm9rIAC</stringValue>",
            )
        ],
        [("hardcoded-id", INVOICE, 235, "hard-coded record id `001A0000006Vm9rIAC` in `Stripe_Account_Name`")],
    ),
    "unknown connector package field": (
        [
            (
                EVENTS,
                "$Record.stripeGC__Event_Name__c</leftValueReference>",
                "$Record.stripeGC__Event_Type__c</leftValueReference>",
                1,
            )
        ],
        [
            (
                "field-unknown",
                EVENTS,
                14,
                "`$Record.stripeGC__Event_Type__c`: `stripeGC__Stripe_Event__c` has no field `stripeGC__Event_Type__c`",
            )
        ],
    ),
    "update-triggered reminder without change criteria": (
        [
            (
                REMINDER,
                "        <doesRequireRecordChangedToMeetCriteria>true</doesRequireRecordChangedToMeetCriteria>\n",
                "",
            )
        ],
        [
            (
                "scheduled-path-change-criteria",
                REMINDER,
                85,
                "flow triggers on CreateAndUpdate and has 1 scheduled path(s) but does not set doesRequireRecordChangedToMeetCriteria to true",
            )
        ],
    ),
    "relationship field that does not exist": (
        [(REMINDER, "$Record.RecordType.DeveloperName", "$Record.RecordType.ApiName")],
        [("field-unknown", REMINDER, 55, "`$Record.RecordType.ApiName`: `RecordType` has no field `ApiName`")],
    ),
    "global constant misspelt": (
        [(WON, "$GlobalConstant.True", "$GlobalConstant.Yes")],
        [
            (
                "reference-unresolved",
                WON,
                39,
                "`$GlobalConstant.Yes` is not a global constant (True, False, EmptyString)",
            )
        ],
    ),
    "loop variable field that does not exist": (
        [(TASKS, "Each_Task.Status", "Each_Task.Stage")],
        [("field-unknown", TASKS, 29, "`Each_Task.Stage`: `Task` has no field `Stage`")],
    ),
    "screen component inside a section misspelt in a text template": (
        [(PLEDGE, "{!Pledge_Note}", "{!Pledge_Notes}")],
        [
            (
                "reference-unresolved",
                PLEDGE,
                156,
                "`Pledge_Notes`: the flow has no element or resource named `Pledge_Notes`; did you mean `Pledge_Note`?",
            )
        ],
    ),
    "decision outcome renamed but still referenced": (
        [(PLEDGE, "<name>Major_Pledge</name>", "<name>Large_Pledge</name>")],
        [
            (
                "reference-unresolved",
                PLEDGE,
                37,
                "`Major_Pledge`: the flow has no element or resource named `Major_Pledge`; did you mean `Large_Pledge`?",
            )
        ],
    ),
    "connector pointing at a screen component instead of a screen": (
        [(PLEDGE, "<targetReference>Confirmation</targetReference>", "<targetReference>Done_Text</targetReference>")],
        [
            (
                "connector-target-missing",
                PLEDGE,
                48,
                "next connector of `Create_Follow_Up` targets `Done_Text`: `Done_Text` is not an element a connector can lead to (screens.fields)",
            ),
            ("element-unreachable", PLEDGE, 74, "screens `Confirmation` is not reachable from the start"),
        ],
    ),
    "misspelt value written to a restricted picklist": (
        [
            (
                EVENTS,
                "<stringValue>Paid</stringValue>\n            </value>\n        </inputAssignments>",
                "<stringValue>Payed</stringValue>\n            </value>\n        </inputAssignments>",
            )
        ],
        [
            (
                "picklist-value-unknown",
                EVENTS,
                142,
                "writes `Payed` for `Opportunity.Stripe_Payment_Status__c`, whose values are Open, Paid, Failed",
            )
        ],
    ),
    "decision compares a picklist with a value it cannot hold": (
        [
            (
                EVENTS,
                "<stringValue>Paid</stringValue>\n                </rightValue>",
                "<stringValue>Settled</stringValue>\n                </rightValue>",
            )
        ],
        [
            (
                "picklist-value-unknown",
                EVENTS,
                46,
                "compares with `Settled` for `Opportunity.Stripe_Payment_Status__c`, whose values are Open, Paid, Failed",
            )
        ],
    ),
    "entry condition on a picklist value that does not exist": (
        [(REMINDER, "<stringValue>Open</stringValue>", "<stringValue>Opened</stringValue>")],
        [
            (
                "picklist-value-unknown",
                REMINDER,
                94,
                "compares with `Opened` for `Opportunity.Stripe_Payment_Status__c`, whose values are Open, Paid, Failed",
            )
        ],
    ),
    "permission set loses a field": (
        [
            (
                PERMSET,
                """    <fieldPermissions>
        <editable>false</editable>
        <field>Opportunity.Stripe_Invoice_URL__c</field>
        <readable>true</readable>
    </fieldPermissions>
""",
                "",
            )
        ],
        [
            (
                "permset-field-missing",
                URL_FIELD,
                2,
                "no permission set in the tree grants access to `Opportunity.Stripe_Invoice_URL__c`",
            )
        ],
    ),
    "alert renamed in the workflow file": (
        [(WORKFLOW, "<fullName>Profit_Payment_Reminder</fullName>", "<fullName>Business_Payment_Reminder</fullName>")],
        [
            (
                "email-alert-unknown",
                REMINDER,
                22,
                "`Send_Profit_Reminder` sends email alert `Opportunity.Profit_Payment_Reminder`, which workflows/Opportunity.workflow-meta.xml does not define",
            )
        ],
    ),
    "custom field misspelt in an email template body and subject": (
        [
            (TEMPLATE, "{!Opportunity.Stripe_Invoice_URL__c}", "{!Opportunity.Stripe_Invoice_Link__c}"),
            (TEMPLATE_META, "is still open</subject>", "is still open ({!Opportunity.Stripe_Status__c})</subject>"),
        ],
        [
            (
                "field-unknown",
                TEMPLATE,
                4,
                "merge field `{!Opportunity.Stripe_Invoice_Link__c}`: `Opportunity` has no field `Stripe_Invoice_Link__c`",
            ),
            (
                "field-unknown",
                TEMPLATE_META,
                8,
                "merge field `{!Opportunity.Stripe_Status__c}`: `Opportunity` has no field `Stripe_Status__c`",
            ),
        ],
    ),
    "alert template renamed": (
        [
            (
                WORKFLOW,
                "<template>Stripe_Payments/Payment_Reminder</template>",
                "<template>Stripe_Payments/Reminder</template>",
                1,
            )
        ],
        [
            (
                "email-template-missing",
                WORKFLOW,
                11,
                "alert `Opportunity.Nonprofit_Payment_Reminder` uses template `Stripe_Payments/Reminder`, which is not in email/",
            )
        ],
    ),
}


def mutate(root: Path, edits) -> None:
    for edit in edits:
        relative, old, new, *count = edit
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {relative}"
        path.write_text(text.replace(old, new, *count), encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_edit_one_finding(name, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid_project", project)
    edits, expected = CASES[name]
    mutate(project, edits)
    monkeypatch.chdir(project)
    report = validate(Path("force-app"))
    found = [(f.rule_id, f.file, f.line, f.message) for f in report.findings]
    assert found == expected
