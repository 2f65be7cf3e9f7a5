"""A small SFDX tree with every shape the converter handles (hand-written, not generator
output, so the converter is not tuned to our own templates)."""

from __future__ import annotations

from pathlib import Path

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"'

FILES = {
    "main/default/flows/Invoice_On_Create.flow-meta.xml": f"""{HEADER}<Flow {NS}>
    <apiVersion>66.0</apiVersion>
    <label>Invoice On Create</label>
    <processType>AutoLaunchedFlow</processType>
    <start>
        <locationX>50</locationX>
        <locationY>0</locationY>
        <object>Opportunity</object>
        <recordTriggerType>Create</recordTriggerType>
        <triggerType>RecordAfterSave</triggerType>
    </start>
    <status>Active</status>
</Flow>
""",
    "main/default/flows/Reminder.flow-meta.xml": f"""{HEADER}<Flow {NS}>
    <apiVersion>66.0</apiVersion>
    <label>Reminder</label>
    <processType>AutoLaunchedFlow</processType>
    <status>Draft</status>
</Flow>
""",
    "main/default/objects/Opportunity/fields/Stripe_Invoice_ID__c.field-meta.xml": f"""{HEADER}<CustomField {NS}>
    <fullName>Stripe_Invoice_ID__c</fullName>
    <externalId>true</externalId>
    <label>Stripe Invoice ID</label>
    <length>255</length>
    <type>Text</type>
    <unique>true</unique>
</CustomField>
""",
    "main/default/objects/Opportunity/fields/Stripe_Invoice_URL__c.field-meta.xml": f"""{HEADER}<CustomField {NS}>
    <fullName>Stripe_Invoice_URL__c</fullName>
    <label>Stripe Invoice URL</label>
    <type>Url</type>
</CustomField>
""",
    "main/default/objects/Opportunity/recordTypes/Nonprofit.recordType-meta.xml": f"""{HEADER}<RecordType {NS}>
    <fullName>Nonprofit</fullName>
    <active>true</active>
    <businessProcess>Donation</businessProcess>
    <label>Nonprofit</label>
</RecordType>
""",
    "main/default/objects/Opportunity/businessProcesses/Donation.businessProcess-meta.xml": f"""{HEADER}<BusinessProcess {NS}>
    <fullName>Donation</fullName>
    <isActive>true</isActive>
    <values>
        <fullName>Closed Won</fullName>
        <default>false</default>
    </values>
</BusinessProcess>
""",
    "main/default/workflows/Opportunity.workflow-meta.xml": f"""{HEADER}<Workflow {NS}>
    <alerts>
        <fullName>Payment_Reminder</fullName>
        <description>Reminder</description>
        <protected>false</protected>
        <recipients>
            <type>owner</type>
        </recipients>
        <senderType>CurrentUser</senderType>
        <template>Stripe_Invoicing/Payment_Reminder</template>
    </alerts>
</Workflow>
""",
    "main/default/email/Stripe_Invoicing.emailFolder-meta.xml": f"""{HEADER}<EmailFolder {NS}>
    <accessType>Public</accessType>
    <name>Stripe Invoicing</name>
    <publicFolderAccess>ReadWrite</publicFolderAccess>
</EmailFolder>
""",
    "main/default/email/Stripe_Invoicing/Payment_Reminder.email": "Dear {!Opportunity.Account}, please pay.\n",
    "main/default/email/Stripe_Invoicing/Payment_Reminder.email-meta.xml": f"""{HEADER}<EmailTemplate {NS}>
    <available>true</available>
    <encodingKey>UTF-8</encodingKey>
    <name>Payment Reminder</name>
    <style>none</style>
    <subject>Your invoice is waiting</subject>
    <type>text</type>
    <uiType>Aloha</uiType>
</EmailTemplate>
""",
    "main/default/permissionsets/Stripe_Invoicing_Fields.permissionset-meta.xml": f"""{HEADER}<PermissionSet {NS}>
    <fieldPermissions>
        <editable>true</editable>
        <field>Opportunity.Stripe_Invoice_ID__c</field>
        <readable>true</readable>
    </fieldPermissions>
    <label>Stripe Invoicing Fields</label>
</PermissionSet>
""",
}


def write_sample(root: Path, files: dict[str, str] | None = None) -> Path:
    for relative, text in (files or FILES).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


import pytest  # noqa: E402


@pytest.fixture
def sample_files() -> dict[str, str]:
    return dict(FILES)


@pytest.fixture
def source(tmp_path) -> Path:
    return write_sample(tmp_path / "force-app")
