"""The spec: everything about one org's Stripe invoicing automation, as a typed model.

Every key has a default that reproduces the seed's client (CT Nonprofit Alliance), so a spec
file only needs what differs. Unknown keys are errors (`extra="forbid"`), caught with the
YAML line by `generator.spec.loader`. Cross-field rules live in `generator.spec.checks`.
"""

# No `from __future__ import annotations` here: pydantic would compile and evaluate every
# field's annotation text (a ForwardRef each) when the model is imported (issue 17).

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model, field_validator, model_validator

from generator.spec import defaults
from generator.spec.namespace import DEFAULT_CONNECTOR_NAMESPACE, NAMESPACE
from sfmeta import connector_package

# Name patterns Salesforce enforces, written out so errors can say what was expected.
DEVELOPER_NAME = r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)$"
CUSTOM_FIELD_NAME = r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)__c$"
ANY_FIELD_NAME = r"^(?:[A-Za-z][A-Za-z0-9]*__)?[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)(?:__c)?$"
API_VERSION = r"^[1-9][0-9]\.0$"
CURRENCY_CODE = r"^[a-z]{3}$"
STRIPE_API_VERSION = r"^\d{4}-\d{2}-\d{2}$"
PACKAGE_VERSION_ID = r"^04t[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$"
EVENT_TYPE = r"^[a-z_]+(\.[a-z_]+)+$"
PAYER_EMAIL_FIELD = (
    r"^(?:Account|Opportunity)\.(?:[A-Za-z][A-Za-z0-9]*__)?[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)(?:__c)?$"
)

DeveloperName = Annotated[str, StringConstraints(pattern=DEVELOPER_NAME, max_length=80)]
CustomFieldName = Annotated[str, StringConstraints(pattern=CUSTOM_FIELD_NAME, max_length=43)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=40, strip_whitespace=True)]
LongLabel = Annotated[str, StringConstraints(min_length=1, max_length=255, strip_whitespace=True)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

# Human descriptions of the patterns above, used in "(expected ...)" of error messages.
PATTERN_DESCRIPTIONS = {
    DEVELOPER_NAME: "an API name: a letter, then letters, digits and single underscores, not ending in _",
    CUSTOM_FIELD_NAME: "a custom field API name ending in __c, e.g. Stripe_Invoice_ID__c",
    ANY_FIELD_NAME: "a field API name, e.g. Stripe_Customer_ID__c or stripeGC__Customer_Id__c",
    NAMESPACE: "a namespace prefix: a letter then up to 14 letters or digits",
    API_VERSION: 'a Metadata API version such as "66.0"',
    CURRENCY_CODE: "a three-letter lower-case currency code such as usd or eur",
    STRIPE_API_VERSION: "a Stripe API version date such as 2025-04-30",
    PACKAGE_VERSION_ID: "a 15- or 18-character package version id starting with 04t",
    EVENT_TYPE: "a Stripe event type such as invoice.paid",
    PAYER_EMAIL_FIELD: "Account.<field> or Opportunity.<field>, e.g. Account.Billing_Email__c",
}


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, regex_engine="python-re", coerce_numbers_to_str=True)


class ConnectorPackage(StrictModel):
    """A Stripe connector package version the deploy pipeline installs before deploying."""

    name: LongLabel = Field(description="What the package is, for messages (e.g. Stripe Universal Connector).")
    version_id: Annotated[str, StringConstraints(pattern=PACKAGE_VERSION_ID)] = Field(
        description="The package version id (04t...) from the package's install link."
    )


class StripeConnector(StrictModel):
    """The installed Stripe connector and the Stripe account the flows use."""

    namespace: Annotated[str, StringConstraints(pattern=NAMESPACE)] = Field(
        DEFAULT_CONNECTOR_NAMESPACE, description="Namespace of the Stripe Universal Connector package."
    )
    account_name: LongLabel = Field(
        "CT Nonprofit Alliance",
        description="Name of the stripeGC__Stripe_Account__c record every flow looks up.",
    )
    api_version: Annotated[str, StringConstraints(pattern=STRIPE_API_VERSION)] = Field(
        "2025-04-30", description="Stripe API version of the installed API extension package."
    )
    permission_sets: tuple[DeveloperName, ...] = Field(
        (),
        description="The connector's permission sets (names without the namespace prefix) the deploy "
        "assigns to the deploying user; empty: the deploy only checks and names those the user holds.",
    )
    packages: tuple[ConnectorPackage, ...] = Field(
        (),
        description="Connector package versions `sfpay deploy` installs (CumulusCI update_dependencies), "
        "in order. Empty: the deploy only checks that the connector namespace is installed.",
    )


class Currency(StrictModel):
    code: Annotated[str, StringConstraints(pattern=CURRENCY_CODE)] = Field(
        "usd", description="ISO currency code in Stripe's lower-case form (usd, eur, jpy)."
    )
    exponent: int | None = Field(
        None,
        ge=0,
        le=3,
        description="Decimal places of the smallest unit (2 for usd/eur, 0 for jpy). "
        "Derived from Stripe's zero-decimal currency list when omitted.",
    )


class Invoicing(StrictModel):
    eligible_stages: list[Text] = Field(
        default_factory=lambda: ["Proposal/Price Quote", "Negotiation/Review", "Closed Won"],
        min_length=1,
        description="Opportunity stages in which an invoice is issued.",
    )
    minimum_amount: Decimal = Field(
        Decimal("1"),
        gt=0,
        description="Smallest Opportunity Amount that gets an invoice (more than 0: Stripe "
        "marks a zero invoice paid on finalization).",
    )

    @property
    def effective_days_until_due(self) -> int | None:
        if self.collection_method != "send_invoice":
            return None
        return self.days_until_due if self.days_until_due is not None else 30

    collection_method: Literal["send_invoice", "charge_automatically"] = Field(
        "send_invoice", description="Stripe collection_method of new invoices."
    )
    days_until_due: int | None = Field(
        None,
        ge=1,
        le=365,
        description="Stripe days_until_due; send_invoice only, where it defaults to 30.",
    )
    invoice_description: Text = Field(
        "Invoice for {opportunity_name}",
        description="Invoice memo. Placeholders: {opportunity_name}, {account_name}, {opportunity_id}, {revision}.",
    )
    line_description: Text = Field("{opportunity_name}", description="Invoice line text; same placeholders.")
    won_stage: Text = Field("Closed Won", description="Stage set on the Opportunity when its invoice is paid.")
    payer_email_field: Annotated[str, StringConstraints(pattern=PAYER_EMAIL_FIELD)] | None = Field(
        None,
        description="Email field used for the payer when the Opportunity's primary contact has "
        "no email: Account.<field> or Opportunity.<field>. None: only the primary contact's email.",
    )
    send_invoice: bool = Field(
        True,
        description="Have Stripe email the finalized invoice to the payer (send_invoice only).",
    )
    unusable_customer: Literal["recreate", "log"] = Field(
        "recreate",
        description="An Account's Stripe customer that is deleted or has no email: recreate it "
        "(with the payer's email) or log it and stop.",
    )


class FieldSpec(StrictModel):
    api_name: CustomFieldName
    label: Label
    help_text: Annotated[str, StringConstraints(max_length=510)] | None = None


def _field(api_name: str, label: str, help_text: str) -> FieldSpec:
    return FieldSpec(api_name=api_name, label=label, help_text=help_text)


class PaymentStatusField(FieldSpec):
    values: list[Annotated[str, StringConstraints(min_length=1, max_length=255)]] = Field(
        default_factory=lambda: ["Open", "Paid", "Failed", "Void", "Uncollectible"],
        min_length=1,
        description="Restricted picklist values, in display order.",
    )
    open: Text = Field("Open", description="Value written when an invoice is issued.")
    paid: Text = Field("Paid", description="Value for a paid invoice; never downgraded.")
    void: Text = Field("Void", description="Value for a voided invoice.")


class OpportunityFields(StrictModel):
    invoice_id: FieldSpec = _field(
        "Stripe_Invoice_ID__c",
        "Stripe Invoice ID",
        "Id of the current Stripe invoice (in_...). Written by the invoicing flows; unique.",
    )
    invoice_url: FieldSpec = _field(
        "Stripe_Invoice_URL__c",
        "Stripe Invoice URL",
        "Hosted invoice page where the payer can pay the current invoice.",
    )
    payment_status: PaymentStatusField = PaymentStatusField(
        api_name="Stripe_Payment_Status__c",
        label="Stripe Payment Status",
        help_text="Payment state of the current invoice, kept in sync by Stripe webhook events.",
    )
    invoice_date: FieldSpec = _field(
        "Stripe_Invoice_Date__c",
        "Stripe Invoice Date",
        "Date the current invoice was issued; payment reminders are scheduled from it.",
    )
    invoice_revision: FieldSpec = _field(
        "Stripe_Invoice_Revision__c",
        "Stripe Invoice Revision",
        "1 for the first invoice, +1 for each replacement after an amount change.",
    )
    invoiced_amount: FieldSpec = _field(
        "Stripe_Invoiced_Amount__c",
        "Stripe Invoiced Amount",
        "Opportunity Amount the current invoice was issued for.",
    )
    invoiced_amount_text: FieldSpec = _field(
        "Stripe_Invoiced_Amount_Text__c",
        "Stripe Invoiced Amount Text",
        "The invoiced amount as the payer reads it, e.g. JPY 54,321 or USD 1,250.00 ({amount} in reminders).",
    )
    previous_invoice_id: FieldSpec = _field(
        "Stripe_Previous_Invoice_ID__c",
        "Stripe Previous Invoice ID",
        "Id of the invoice voided when the amount changed (audit trail).",
    )
    last_event: FieldSpec = _field(
        "Stripe_Last_Event__c",
        "Stripe Last Event",
        "Type of the last Stripe event applied to this Opportunity, e.g. invoice.paid.",
    )
    last_event_record_id: FieldSpec = _field(
        "Stripe_Last_Event_Record_ID__c",
        "Stripe Last Event Record ID",
        "Salesforce Id of the Stripe Event record last applied to this Opportunity.",
    )
    last_event_at: FieldSpec = _field(
        "Stripe_Last_Event_At__c",
        "Stripe Last Event At",
        "When the last Stripe event was applied to this Opportunity.",
    )
    payer_email: FieldSpec = _field(
        "Stripe_Payer_Email__c",
        "Stripe Payer Email",
        "Email address Stripe sends the current invoice to; reminders go to it too.",
    )
    invoicing_error: FieldSpec = _field(
        "Stripe_Invoicing_Error__c",
        "Stripe Invoicing Error",
        "Why the last invoicing attempt stopped (details in the Sync Log). Fix the cause, then check Retry Invoicing.",
    )
    retry_invoicing: FieldSpec = _field(
        "Stripe_Retry_Invoicing__c",
        "Retry Invoicing",
        "Check after fixing the cause of an invoicing error: the invoicing runs again.",
    )
    invoicing_attempt: FieldSpec = _field(
        "Stripe_Invoicing_Attempt__c",
        "Stripe Invoicing Attempt",
        "Failed invoicing attempts so far; part of the Stripe idempotency keys, so a retry "
        "never replays a stored failure.",
    )


class CustomerIdField(StrictModel):
    """Where the Stripe customer id of an Account lives."""

    api_name: Annotated[str, StringConstraints(pattern=ANY_FIELD_NAME, max_length=80)] = Field(
        connector_package.ConnectorPackage(DEFAULT_CONNECTOR_NAMESPACE).name(connector_package.CUSTOMER_ID),
        description="Account field holding the Stripe customer id.",
    )
    create: bool = Field(
        False,
        description="true: generate this custom Account field; false: it exists already "
        "(e.g. the connector's own stripeGC__Customer_Id__c).",
    )
    label: Label = "Stripe Customer ID"
    help_text: Annotated[str, StringConstraints(max_length=510)] | None = (
        "Stripe customer (cus_...) invoices for this Account are billed to."
    )


class ReminderOffset(StrictModel):
    number: int = Field(30, ge=1, le=999)
    unit: Literal["Minutes", "Hours", "Days", "Months"] = "Days"


class Reminders(StrictModel):
    offsets: list[ReminderOffset] = Field(
        default_factory=lambda: [ReminderOffset()],
        min_length=1,
        description="When reminders go out, counted from the invoice date field.",
    )
    unpaid_statuses: list[Text] = Field(
        default_factory=lambda: ["Open", "Failed"],
        min_length=1,
        description="Payment status values that still get a reminder.",
    )


class Recipient(StrictModel):
    type: Literal[
        "payer",
        "owner",
        "creator",
        "accountOwner",
        "user",
        "role",
        "group",
        "email",
        "contactLookup",
        "userLookup",
    ] = Field(
        description="payer: the payer email field (the address Stripe sent the invoice to); "
        "the others are Salesforce email alert recipient types."
    )
    recipient: Text | None = Field(None, description="Username, role or group developer name for user/role/group.")
    field: Text | None = Field(None, description="Opportunity field for email/contactLookup, e.g. Payer_Email__c.")


class Sender(StrictModel):
    type: Literal["CurrentUser", "DefaultWorkflowUser", "OrgWideEmailAddress"] = Field(
        "CurrentUser",
        description="Who the email comes from. OrgWideEmailAddress (with address) is best in "
        "production: scheduled paths run as the Automated Process user.",
    )
    address: Text | None = Field(None, description="Org-wide address for OrgWideEmailAddress.")


class Reminder(StrictModel):
    """One reminder email: its alert and its template."""

    alert_name: DeveloperName
    alert_description: LongLabel
    template_name: DeveloperName
    template_label: Label
    subject: LongLabel
    body: Text = Field(
        description="Plain-text body. Salesforce merge fields such as {!Opportunity.Name} "
        "and {!Opportunity.<invoice URL field>} are kept as written."
    )
    sender: Sender = Sender()
    recipients: list[Recipient] = Field(
        default_factory=lambda: [Recipient(type="payer"), Recipient(type="owner")],
        description="Default: the payer, with the Opportunity owner in copy.",
    )


class RecordTypeSpec(StrictModel):
    developer_name: DeveloperName
    label: Label
    description: LongLabel | None = None
    reminder: Reminder


class BusinessProcessSpec(StrictModel):
    name: DeveloperName = "Stripe_Invoicing"
    description: LongLabel = "Sales process of Opportunities invoiced through Stripe."
    stages: list[Text] = Field(
        default_factory=lambda: [
            "Prospecting",
            "Qualification",
            "Proposal/Price Quote",
            "Negotiation/Review",
            "Closed Won",
            "Closed Lost",
        ],
        min_length=1,
    )


class RecordTypes(StrictModel):
    create: bool = Field(
        True,
        description="true: generate the record types and their business process; "
        "false: reference record types that already exist in the org.",
    )
    business_process: BusinessProcessSpec = BusinessProcessSpec()
    types: list[RecordTypeSpec] = Field(
        default_factory=lambda: [RecordTypeSpec(**t) for t in defaults.default_record_types()],
        description="Record types with their own reminder; others get fallback_reminder.",
    )


class EmailFolderSpec(StrictModel):
    name: DeveloperName = "Stripe_Payment_Reminders"
    label: Label = "Stripe Payment Reminders"


class FlowNames(StrictModel):
    api_name: DeveloperName
    label: LongLabel
    trigger_order: int | None = Field(
        None,
        ge=1,
        le=2000,
        description="Order among the object's record-triggered flows (Flow Trigger Explorer); "
        "default 10 (create, event), 20 (update), 30 (reminder).",
    )
    description: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        None, description="Flow description; a default explaining the flow when omitted."
    )


class _FlowsBase(StrictModel):
    status: Literal["Active", "Draft"] = "Active"


# One section per flow kind of the table (generator/flow_kinds.py), in its order.
Flows = create_model(
    "Flows",
    __base__=_FlowsBase,
    __module__=__name__,
    **{key: (FlowNames, FlowNames(**names)) for key, names in defaults.default_flows().items()},  # type: ignore[call-overload]
)


class PermissionSetSpec(StrictModel):
    name: DeveloperName = "Stripe_Invoicing_Fields"
    label: Label = "Stripe Invoicing Fields"
    description: LongLabel = "Read and edit access to the Stripe invoicing fields."


class Spec(StrictModel):
    """Root of a sfpay spec file."""

    api_version: Annotated[str, StringConstraints(pattern=API_VERSION)] = Field(
        "66.0", description="Metadata API version of every generated file."
    )
    stripe: StripeConnector = StripeConnector()
    currency: Currency = Currency()
    invoicing: Invoicing = Invoicing()
    fields: OpportunityFields = OpportunityFields()
    customer_id_field: CustomerIdField = CustomerIdField()
    events: dict[Annotated[str, StringConstraints(pattern=EVENT_TYPE)], Text] = Field(
        default_factory=lambda: {
            "invoice.paid": "Paid",
            "invoice.payment_succeeded": "Paid",
            "invoice.payment_failed": "Failed",
            "invoice.voided": "Void",
            "invoice.marked_uncollectible": "Uncollectible",
        },
        description="Stripe event type -> payment status value it sets.",
    )
    reminders: Reminders = Reminders()
    record_types: RecordTypes = RecordTypes()
    fallback_reminder: Reminder = Field(
        default_factory=lambda: Reminder(**defaults.default_fallback_reminder()),
        description="Reminder for Opportunities of any other record type.",
    )
    email_folder: EmailFolderSpec = EmailFolderSpec()
    flows: Flows = Flows()
    permission_set: PermissionSetSpec = PermissionSetSpec()

    @model_validator(mode="before")
    @classmethod
    def _customer_field_in_namespace(cls, data: object) -> object:
        # The default customer field is the connector package's own Account field, which is
        # named in the package's namespace: a spec that installs the connector under another
        # namespace and does not name the field means that namespace's field.
        if not isinstance(data, dict):
            return data
        stripe = data.get("stripe")
        namespace = stripe.get("namespace") if isinstance(stripe, dict) else None
        if not isinstance(namespace, str) or not re.fullmatch(NAMESPACE, namespace):
            return data
        field = data.get("customer_id_field") or {}
        if not isinstance(field, dict) or "api_name" in field or field.get("create") is True:
            return data
        named = connector_package.ConnectorPackage(namespace).name(connector_package.CUSTOMER_ID)
        return {**data, "customer_id_field": {**field, "api_name": named}}

    @field_validator("api_version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        # `api_version: 66.0` unquoted is a YAML number; accept it as the text "66.0".
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{float(value):.1f}"
        return value
