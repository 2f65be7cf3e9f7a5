"""A currency merge field in an email template is refused at deploy, naming it: how Salesforce
formats one (symbol or ISO code, the currency's decimal places, e.g. none for JPY) is not
documented, so the emulator does not guess (orgsim/email/templates.py)."""

import pytest
from orgsim_helpers import NS, field, standard_fields, write

from orgsim.errors import MetadataError


def _template(root, body: str) -> None:
    write(root, "email/Reminders/Pay_Now.email", body)
    write(
        root,
        "email/Reminders/Pay_Now.email-meta.xml",
        f"""<EmailTemplate {NS}><available>true</available>
        <encodingKey>UTF-8</encodingKey><name>Pay Now</name><style>none</style><subject>Invoice for {{!Opportunity.Name}}</subject>
        <type>text</type><uiType>Aloha</uiType></EmailTemplate>""",
    )
    write(
        root,
        "workflows/Opportunity.workflow-meta.xml",
        f"""<Workflow {NS}><alerts><fullName>Pay_Now</fullName>
        <description>x</description><protected>false</protected><recipients><type>owner</type></recipients>
        <senderType>CurrentUser</senderType><template>Reminders/Pay_Now</template></alerts></Workflow>""",
    )


@pytest.mark.parametrize("merge", ["Opportunity.Amount", "Opportunity.Invoiced__c"])
def test_currency_merge_field_is_refused_at_deploy(org, tmp_path, merge):
    field(
        tmp_path,
        "Opportunity",
        "Invoiced__c",
        "<label>Invoiced</label><type>Currency</type><precision>16</precision><scale>2</scale>",
    )
    _template(tmp_path, f"Please pay {{!{merge}}}.")
    standard_fields(tmp_path)
    with pytest.raises(MetadataError, match=rf"merge field \{{!{merge}\}} is a currency field.*not documented"):
        org.deploy_source(tmp_path)
