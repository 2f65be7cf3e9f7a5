"""Everything the templates need, computed once from the spec.

Templates stay declarative: names, labels and formula text are decided here, in Python,
where they can be tested; the templates only arrange them into metadata elements.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from generator.currency import currency_exponent, shown_places
from generator.flow_kinds import FLOW_KINDS, flow_kind
from generator.render import formulas as f
from generator.spec.defaults import flow_descriptions as default_flow_descriptions
from generator.spec.model import FieldSpec, OpportunityFields, Reminder, Spec
from generator.spec.tokens import email_body, to_flow_text
from sfmeta.record import Record

OPP = "Opportunity"

CALLOUT_LIMIT = 100  # callouts per transaction
# The share of that limit the generated flows may use at their peak (issue 12: <= 80), so an
# org's other automation in the same transaction keeps some headroom.
CALLOUT_BUDGET = 80
# Longest chain of connector actions one interview can run: a column of the flow kinds table.
MAX_CALLOUTS_PER_INTERVIEW = {kind.key: kind.max_callouts for kind in FLOW_KINDS if kind.max_callouts is not None}
# Every Stripe call runs on a scheduled path with batch size 1: one record per transaction,
# so no interview's record write can precede another interview's callout (orgsim findings:
# Salesforce does not document in which order it serves interviews waiting at different
# elements) and a failure rolls back only its own record. Batch Size is a documented
# scheduled-path setting (Salesforce Help, "Scheduled Paths",
# https://help.salesforce.com/s/articleView?id=platform.flow_concepts_trigger_scheduled_path.htm);
# it is not documented for Run Asynchronously paths. An offset of 0 is not documented either,
# so the path runs 1 minute after the save.
STRIPE_PATH_BATCH_SIZE = 1
STRIPE_PATH_OFFSET_MINUTES = 1
DEFAULT_TRIGGER_ORDER = {kind.key: kind.trigger_order for kind in FLOW_KINDS}


class CustomFieldDef(NamedTuple):
    object: str
    api_name: str
    label: str
    type: str
    description: str
    help_text: str | None
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    external_id: bool = False
    unique: bool = False
    picklist_values: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        return f"{self.object}.{self.api_name}"


class ReminderDef(NamedTuple):
    key: str  # element-name suffix in the reminder flow
    record_type: str | None  # DeveloperName, None for the fallback
    spec: Reminder
    folder: str
    subject: str
    body: str

    @property
    def template_ref(self) -> str:
        return f"{self.folder}/{self.spec.template_name}"


class Context(Record):
    # A Record, not a @dataclass: generating a dataclass's methods costs more than rendering
    # some templates, and `sfpay generate` has a start-up budget (issue 17).
    _fields = ("spec", "ns", "f", "fields", "reminders", "exponent", "formulas", "texts", "flow_descriptions")
    __slots__ = _fields

    def __init__(
        self,
        spec: Spec,
        ns: str,
        f: dict[str, str],  # field role -> API name (Opportunity fields) + "customer_id" (Account)
        fields: list[CustomFieldDef],
        reminders: list[ReminderDef],
        exponent: int,
        formulas: dict[str, str] | None = None,
        texts: dict[str, str] | None = None,
        flow_descriptions: dict[str, str] | None = None,
    ) -> None:
        self.spec = spec
        self.ns = ns
        self.f = f
        self.fields = fields
        self.reminders = reminders
        self.exponent = exponent
        self.formulas = formulas if formulas is not None else {}
        self.texts = texts if texts is not None else {}
        self.flow_descriptions = flow_descriptions if flow_descriptions is not None else default_flow_descriptions()

    def stripe_batch_size(self, kind: str) -> int:
        """Interviews per transaction on the Stripe path: 1, and never over the callout budget."""
        peak = STRIPE_PATH_BATCH_SIZE * MAX_CALLOUTS_PER_INTERVIEW[kind]
        if peak > CALLOUT_BUDGET:
            raise ValueError(f"{kind}: {peak} callouts per transaction exceed the budget of {CALLOUT_BUDGET}")
        return STRIPE_PATH_BATCH_SIZE

    @property
    def stripe_path_offset(self) -> int:
        return STRIPE_PATH_OFFSET_MINUTES

    @property
    def final_statuses(self) -> list[tuple[str, str]]:
        """(Stripe invoice status, payment status value) for the statuses that end an invoice.

        uncollectible maps to what the spec maps invoice.marked_uncollectible to; without
        that event the status is not applied (logged)."""
        status = self.spec.fields.payment_status
        out = [("paid", status.paid), ("void", status.void)]
        uncollectible = self.spec.events.get("invoice.marked_uncollectible")
        if uncollectible:
            out.append(("uncollectible", uncollectible))
        return out

    @property
    def open_event_statuses(self) -> list[tuple[str, list[str]]]:
        """(payment status value, events mapped to it) for events that describe an invoice that
        is still open, e.g. invoice.payment_failed -> Failed; in payment status value order."""
        status = self.spec.fields.payment_status
        taken = {value for _, value in self.final_statuses} | {status.open}
        out = []
        for value in status.values:
            events = sorted(e for e, v in self.spec.events.items() if v == value)
            if value not in taken and events:
                out.append((value, events))
        return out

    def flow_object(self, kind: str) -> str:
        """The object whose records trigger the flow (the table's object, namespace filled in)."""
        return flow_kind(kind).object_name(self.ns)

    def flow_trigger(self, kind: str) -> str:
        """recordTriggerType of the flow's start element."""
        return flow_kind(kind).trigger

    def trigger_order(self, kind: str) -> int:
        return getattr(self.spec.flows, kind).trigger_order or DEFAULT_TRIGGER_ORDER[kind]

    @property
    def requires_payer_email(self) -> bool:
        """Stripe refuses a send_invoice invoice for a customer without email."""
        return self.spec.invoicing.collection_method == "send_invoice"

    @property
    def sends_invoice(self) -> bool:
        """Stripe's send endpoint only accepts send_invoice invoices."""
        inv = self.spec.invoicing
        return inv.send_invoice and inv.collection_method == "send_invoice"

    @property
    def payer_email_source(self) -> tuple[str, str] | None:
        """(lookup element, field) of the spec's fallback payer email field, if any."""
        ref = self.spec.invoicing.payer_email_field
        if not ref:
            return None
        obj, field_name = ref.split(".", 1)
        return ("Get_Account" if obj == "Account" else "Get_Opportunity", field_name)

    def as_template_vars(self) -> dict[str, object]:
        return {"ctx": self, "spec": self.spec, "ns": self.ns, "f": self.f}


def build_context(spec: Spec) -> Context:
    ns = spec.stripe.namespace
    names = {role: spec_field.api_name for role, spec_field in spec.fields}
    names["customer_id"] = spec.customer_id_field.api_name
    ctx = Context(
        spec=spec,
        ns=ns,
        f=names,
        fields=_custom_fields(spec),
        reminders=_reminders(spec, names),
        exponent=currency_exponent(spec.currency.code, spec.currency.exponent),
    )
    ctx.formulas = _formulas(spec, ctx)
    ctx.texts = _texts(spec)
    return ctx


def _with_default_help(spec: Spec) -> OpportunityFields:
    """Fields a spec renames without help text keep the default help text of their role."""
    defaults = OpportunityFields()
    updates = {
        role: value.model_copy(update={"help_text": getattr(defaults, role).help_text})
        for role, value in spec.fields
        if value.help_text is None
    }
    return spec.fields.model_copy(update=updates)


def _custom_fields(spec: Spec) -> list[CustomFieldDef]:
    fs = _with_default_help(spec)
    status = fs.payment_status

    def text(spec_field: FieldSpec, description: str, length: int = 255, **kw: Any) -> CustomFieldDef:
        return CustomFieldDef(
            OPP,
            spec_field.api_name,
            spec_field.label,
            "Text",
            description,
            spec_field.help_text,
            length=length,
            **kw,
        )

    defs = [
        text(
            fs.invoice_id,
            "Stripe invoice id written by the invoicing flows; external id and "
            "unique, so Stripe events find exactly one Opportunity.",
            external_id=True,
            unique=True,
        ),
        CustomFieldDef(
            OPP,
            fs.invoice_url.api_name,
            fs.invoice_url.label,
            "Url",
            "Hosted invoice URL of the current invoice, used in reminder emails.",
            fs.invoice_url.help_text,
        ),
        CustomFieldDef(
            OPP,
            status.api_name,
            status.label,
            "Picklist",
            "Payment status of the current invoice; set to the open value on issue "
            "and updated from Stripe events. Paid is never downgraded.",
            status.help_text,
            picklist_values=tuple(status.values),
        ),
        CustomFieldDef(
            OPP,
            fs.invoice_date.api_name,
            fs.invoice_date.label,
            "Date",
            "Issue date of the current invoice; the reminder flow schedules from it.",
            fs.invoice_date.help_text,
        ),
        CustomFieldDef(
            OPP,
            fs.invoice_revision.api_name,
            fs.invoice_revision.label,
            "Number",
            "Invoice revision; part of the Stripe idempotency keys so a retried "
            "interview never issues a second invoice.",
            fs.invoice_revision.help_text,
            precision=4,
            scale=0,
        ),
        CustomFieldDef(
            OPP,
            fs.invoiced_amount.api_name,
            fs.invoiced_amount.label,
            "Currency",
            "Amount the current invoice was issued for; an Amount that differs "
            "from it makes the update flow replace the invoice.",
            fs.invoiced_amount.help_text,
            precision=16,
            scale=2,
        ),
        text(
            fs.invoiced_amount_text,
            "The invoiced amount as the payer reads it (ISO code, the currency's own decimals), "
            "written with the invoice; the reminder emails merge it.",
            length=40,
        ),
        text(fs.previous_invoice_id, "Invoice voided by the last amount change, kept for audit."),
        text(fs.last_event, "Type of the last Stripe event applied (repeats stay visible)."),
        text(fs.last_event_record_id, "Id of the last Stripe Event record applied.", length=18),
        CustomFieldDef(
            OPP,
            fs.last_event_at.api_name,
            fs.last_event_at.label,
            "DateTime",
            "When the last Stripe event was applied.",
            fs.last_event_at.help_text,
        ),
        CustomFieldDef(
            OPP,
            fs.payer_email.api_name,
            fs.payer_email.label,
            "Email",
            "Email of the Stripe customer the current invoice was issued to (Stripe "
            "sends the invoice there); the reminder alerts can send to it.",
            fs.payer_email.help_text,
        ),
        text(
            fs.invoicing_error,
            "Why the last invoicing attempt stopped; empty after a successful "
            "invoice. While it is set, only Retry Invoicing starts the invoicing again.",
        ),
        CustomFieldDef(
            OPP,
            fs.retry_invoicing.api_name,
            fs.retry_invoicing.label,
            "Checkbox",
            "Checked by an admin after fixing an invoicing error; the update flow runs again and clears it.",
            fs.retry_invoicing.help_text,
        ),
        CustomFieldDef(
            OPP,
            fs.invoicing_attempt.api_name,
            fs.invoicing_attempt.label,
            "Number",
            "Failed Stripe attempts; part of the idempotency keys, because Stripe "
            "replays a stored failure for a reused key.",
            fs.invoicing_attempt.help_text,
            precision=4,
            scale=0,
        ),
    ]
    customer = spec.customer_id_field
    if customer.create:
        defs.append(
            CustomFieldDef(
                "Account",
                customer.api_name,
                customer.label,
                "Text",
                "Stripe customer id of this Account, written when the invoicing "
                "flow creates the customer and reused for later invoices.",
                customer.help_text,
                length=255,
                external_id=True,
            )
        )
    return sorted(defs, key=lambda d: (d.object, d.api_name))


def _reminders(spec: Spec, names: dict[str, str]) -> list[ReminderDef]:
    folder = spec.email_folder.name
    out = [
        _reminder(rt.developer_name, rt.developer_name, rt.reminder, folder, names) for rt in spec.record_types.types
    ]
    out.append(_reminder("Fallback", None, spec.fallback_reminder, folder, names))
    return out


def _reminder(key: str, record_type: str | None, reminder: Reminder, folder: str, names: dict[str, str]) -> ReminderDef:
    return ReminderDef(
        key,
        record_type,
        reminder,
        folder,
        email_body(reminder.subject, names),
        email_body(reminder.body, names),
    )


def _formulas(spec: Spec, ctx: Context) -> dict[str, str]:
    n = ctx.f
    inv = spec.invoicing
    opp = "Get_Opportunity"
    rec = "$Record"
    m = f.merge
    body = m(f"{rec}.{ctx.ns}__Request_Body__c")
    rec_invoice = m(f"{rec}.{n['invoice_id']}")
    rec_amount = m(f"{rec}.Amount")
    rec_invoiced = m(f"{rec}.{n['invoiced_amount']}")
    rec_error = m(f"{rec}.{n['invoicing_error']}")
    rec_retry = m(f"{rec}.{n['retry_invoicing']}")
    opp_invoice = m(f"{opp}.{n['invoice_id']}")
    opp_previous = m(f"{opp}.{n['previous_invoice_id']}")
    opp_revision = m(f"{opp}.{n['invoice_revision']}")
    opp_attempt = m(f"{opp}.{n['invoicing_attempt']}")
    rec_status = f"{rec}.{n['payment_status']}"
    opp_status = f"{opp}.{n['payment_status']}"
    unpaid = spec.reminders.unpaid_statuses
    invoice_blank = f"ISBLANK({rec_invoice})"
    gate_rec = f.eligible(rec, inv.eligible_stages, inv.minimum_amount)
    key_at, colon_at, quote_at = m("Body_Id_Key_At"), m("Body_Id_Colon_At"), m("Body_Id_Quote_At")
    q_object, q_id, q = '"\\"object\\""', '"\\"id\\""', '"\\""'
    return {
        # Entry conditions: state only (no ISCHANGED/PRIORVALUE), so "only when a record is
        # updated to meet the condition requirements" has its documented meaning: the prior
        # version did not meet them and the new one does.
        "create_entry": f"AND({gate_rec}, {invoice_blank})",
        # Update: eligible and something to invoice (no invoice yet, or an Amount that differs
        # from the invoiced one), and no unresolved invoicing error unless Retry Invoicing is
        # checked. The flows' writeback meets none of this (invoice set, Amount invoiced,
        # error cleared or set with Retry unchecked), so the automation never re-enters itself.
        "update_entry": (
            f"AND({gate_rec}, "
            f"OR({invoice_blank}, ISBLANK({rec_invoiced}), {rec_amount} <> {rec_invoiced}), "
            f"OR(ISBLANK({rec_error}), {rec_retry}))"
        ),
        "reminder_entry": f"AND({f.any_of(rec_status, unpaid)}, NOT({invoice_blank}))",
        # Re-checks on the freshly read record, at the start of each Stripe/scheduled path.
        "is_eligible": f.eligible(opp, inv.eligible_stages, inv.minimum_amount),
        "is_still_unpaid": f"AND({f.any_of(opp_status, unpaid)}, NOT(ISBLANK({opp_invoice})))",
        # Invoice revision and idempotency keys: same Opportunity + revision + attempt + amount
        # -> same keys, so a re-run interview gets Stripe's stored response instead of a new
        # object. The attempt counter moves on after a failed Stripe call, because Stripe
        # stores and replays failures too (https://docs.stripe.com/api/idempotent_requests).
        "next_revision": f"IF(ISBLANK({opp_revision}), 1, {opp_revision} + 1)",
        "attempt": f"IF(ISBLANK({opp_attempt}), 0, {opp_attempt})",
        "next_attempt": f"IF(ISBLANK({opp_attempt}), 1, {opp_attempt} + 1)",
        "revision_key": (
            f'"sfpay-" & {m("Get_Opportunity.Id")} & "-r" & TEXT({m("Next_Revision")}) & "-a" & '
            f'TEXT({m("Attempt")}) & "-" & TEXT({m("Amount_In_Smallest_Unit")})'
        ),
        # Keyed by Account and the email it is created with (a later attempt with another
        # email sends other parameters and must not collide), and by the customer it replaces.
        "customer_key": (
            f'"sfpay-" & {m("Get_Account.Id")} & "-customer-" & {m("Payer_Email")} & '
            f'IF(ISBLANK({m("Replaced_Customer_Id")}), "", "-replaces-" & {m("Replaced_Customer_Id")})'
        ),
        "void_key": f'{m("Revision_Key")} & "-void-" & {opp_invoice}',
        "amount_smallest_unit": f.smallest_unit(f"{opp}.Amount", ctx.exponent),
        # The billed amount in whole units of the currency, and as the payer reads it.
        "amount_major_units": (
            m("Amount_In_Smallest_Unit")
            if ctx.exponent == 0
            else f"ROUND({m('Amount_In_Smallest_Unit')} / {10**ctx.exponent}, 0)"
            if shown_places(spec.currency.code, ctx.exponent) == 0
            else f"FLOOR({m('Amount_In_Smallest_Unit')} / {10**ctx.exponent})"
        ),
        "invoiced_amount_text": f.money_text(
            "Amount_In_Smallest_Unit",
            "Amount_Major_Units",
            spec.currency.code,
            ctx.exponent,
            shown_places(spec.currency.code, ctx.exponent),
        ),
        "previous_invoice_id": f"IF(ISBLANK({opp_invoice}), {opp_previous}, {opp_invoice})",
        "void_failed_error": (
            f'IF({m("Void_Failed")}, "Previous invoice " & {opp_invoice} & " is still open: Stripe '
            f'refused to void it (see the Sync Log); void it in Stripe.", "")'
        ),
        # The send step's fault message is captured before its compensating void runs.
        "fault_summary": (
            'LEFT("Failed: " & IF(ISBLANK({!Captured_Fault}), {!$Flow.FaultMessage}, {!Captured_Fault}), 255)'
            if ctx.sends_invoice
            else 'LEFT("Failed: " & {!$Flow.FaultMessage}, 255)'
        ),
        # A stop names its reason; a failed lookup or write that routes here has only the
        # fault message.
        "stop_summary": (
            f'LEFT(IF(ISBLANK({m("Stop_Reason")}), "Failed: " & {{!$Flow.FaultMessage}}, {m("Stop_Reason")}), 255)'
        ),
        # Stripe event body: {"object": {"id": "in_...", ...}} (or the whole event). Stripe
        # writes "id" first in every object, so the first "id" key after "object" is the
        # invoice's own id. Whitespace around the colon is skipped by finding the next quote.
        "body_id_key_at": (f"IF(FIND({q_object}, {body}) = 0, 0, FIND({q_id}, {body}, FIND({q_object}, {body})))"),
        "body_id_colon_at": f'IF({key_at} = 0, 0, FIND(":", {body}, {key_at} + 4))',
        "body_id_quote_at": f"IF({colon_at} = 0, 0, FIND({q}, {body}, {colon_at} + 1))",
        "event_invoice_id": (
            f'IF({quote_at} = 0, "", MID({body}, {quote_at} + 1, FIND({q}, {body}, {quote_at} + 1) - {quote_at} - 1))'
        ),
        "has_invoice_id": (f'AND(NOT(ISBLANK({m("Event_Invoice_Id")})), MID({m("Event_Invoice_Id")}, 1, 3) = "in_")'),
    }


def _texts(spec: Spec) -> dict[str, str]:
    inv = spec.invoicing
    return {
        "invoice_description": to_flow_text(inv.invoice_description, "Get_Opportunity", "Get_Account"),
        "line_description": to_flow_text(inv.line_description, "Get_Opportunity", "Get_Account"),
    }
