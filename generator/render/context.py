"""Everything the templates need, computed once from the spec.

Templates stay declarative: names, labels and formula text are decided here, in Python,
where they can be tested; the templates only arrange them into metadata elements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.render import formulas as f
from generator.spec.defaults import FLOW_DESCRIPTIONS
from generator.spec.model import OpportunityFields, Reminder, Spec
from generator.spec.tokens import email_body, to_flow_text

OPP = "Opportunity"

CALLOUT_LIMIT = 100  # callouts per transaction
# Longest chain of connector actions one interview can run: create customer, invoice, item,
# finalize; the update flow may void the previous invoice first.
MAX_CALLOUTS_PER_INTERVIEW = {"create": 4, "update": 5}

@dataclass(frozen=True)
class CustomFieldDef:
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


@dataclass(frozen=True)
class ReminderDef:
    key: str  # element-name suffix in the reminder flow
    record_type: str | None  # DeveloperName, None for the fallback
    spec: Reminder
    folder: str
    subject: str
    body: str

    @property
    def template_ref(self) -> str:
        return f"{self.folder}/{self.spec.template_name}"


@dataclass
class Context:
    spec: Spec
    ns: str
    f: dict[str, str]  # field role -> API name (Opportunity fields) + "customer_id" (Account)
    fields: list[CustomFieldDef]
    reminders: list[ReminderDef]
    exponent: int
    formulas: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    flow_descriptions: dict[str, str] = field(default_factory=lambda: dict(FLOW_DESCRIPTIONS))

    def async_batch_size(self, kind: str) -> int:
        """Interviews per async transaction, so their callouts stay under the limit of 100.

        Salesforce runs up to 200 interviews of an async path in one transaction, and each
        connector action is a callout: 200 new Opportunities would need 800 callouts. The
        path's batch size caps that at CALLOUT_LIMIT // (callouts one interview can make).
        """
        return CALLOUT_LIMIT // MAX_CALLOUTS_PER_INTERVIEW[kind]

    def as_template_vars(self) -> dict:
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
        exponent=f.currency_exponent(spec.currency.code, spec.currency.exponent),
    )
    ctx.formulas = _formulas(spec, ctx)
    ctx.texts = _texts(spec)
    return ctx


def _with_default_help(spec: Spec):
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

    def text(spec_field, description, length=255, **kw) -> CustomFieldDef:
        return CustomFieldDef(
            OPP, spec_field.api_name, spec_field.label, "Text", description,
            spec_field.help_text, length=length, **kw,
        )

    defs = [
        text(fs.invoice_id, "Stripe invoice id written by the invoicing flows; external id and "
             "unique, so Stripe events find exactly one Opportunity.", external_id=True, unique=True),
        CustomFieldDef(OPP, fs.invoice_url.api_name, fs.invoice_url.label, "Url",
                       "Hosted invoice URL of the current invoice, used in reminder emails.",
                       fs.invoice_url.help_text),
        CustomFieldDef(OPP, status.api_name, status.label, "Picklist",
                       "Payment status of the current invoice; set to the open value on issue "
                       "and updated from Stripe events. Paid is never downgraded.",
                       status.help_text, picklist_values=tuple(status.values)),
        CustomFieldDef(OPP, fs.invoice_date.api_name, fs.invoice_date.label, "Date",
                       "Issue date of the current invoice; the reminder flow schedules from it.",
                       fs.invoice_date.help_text),
        CustomFieldDef(OPP, fs.invoice_revision.api_name, fs.invoice_revision.label, "Number",
                       "Invoice revision; part of the Stripe idempotency keys so a retried "
                       "interview never issues a second invoice.",
                       fs.invoice_revision.help_text, precision=4, scale=0),
        CustomFieldDef(OPP, fs.invoiced_amount.api_name, fs.invoiced_amount.label, "Currency",
                       "Amount the current invoice was issued for; an Amount that differs "
                       "from it makes the update flow replace the invoice.",
                       fs.invoiced_amount.help_text, precision=16, scale=2),
        text(fs.previous_invoice_id, "Invoice voided by the last amount change, kept for audit."),
        text(fs.last_event, "Type of the last Stripe event applied (repeats stay visible)."),
        text(fs.last_event_record_id, "Id of the last Stripe Event record applied.", length=18),
        CustomFieldDef(OPP, fs.last_event_at.api_name, fs.last_event_at.label, "DateTime",
                       "When the last Stripe event was applied.", fs.last_event_at.help_text),
    ]
    customer = spec.customer_id_field
    if customer.create:
        defs.append(
            CustomFieldDef("Account", customer.api_name, customer.label, "Text",
                           "Stripe customer id of this Account, written when the invoicing "
                           "flow creates the customer and reused for later invoices.",
                           customer.help_text, length=255, external_id=True)
        )
    return sorted(defs, key=lambda d: (d.object, d.api_name))


def _reminders(spec: Spec, names: dict[str, str]) -> list[ReminderDef]:
    folder = spec.email_folder.name
    out = [
        _reminder(rt.developer_name, rt.developer_name, rt.reminder, folder, names)
        for rt in spec.record_types.types
    ]
    out.append(_reminder("Fallback", None, spec.fallback_reminder, folder, names))
    return out


def _reminder(key, record_type, reminder: Reminder, folder: str, names) -> ReminderDef:
    return ReminderDef(
        key, record_type, reminder, folder,
        email_body(reminder.subject, names), email_body(reminder.body, names),
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
    opp_invoice = m(f"{opp}.{n['invoice_id']}")
    opp_previous = m(f"{opp}.{n['previous_invoice_id']}")
    opp_revision = m(f"{opp}.{n['invoice_revision']}")
    rec_status = f"{rec}.{n['payment_status']}"
    opp_status = f"{opp}.{n['payment_status']}"
    unpaid = spec.reminders.unpaid_statuses
    stage_changed = f"ISCHANGED({m(rec + '.StageName')})"
    amount_changed = f"ISCHANGED({rec_amount})"
    invoice_blank = f"ISBLANK({rec_invoice})"
    gate_rec = f.eligible(rec, inv.eligible_stages, inv.minimum_amount)
    key_at, colon_at, quote_at = m("Body_Id_Key_At"), m("Body_Id_Colon_At"), m("Body_Id_Quote_At")
    q_object, q_id, q = '"\\"object\\""', '"\\"id\\""', '"\\""'
    return {
        # Entry conditions.
        "create_entry": f"AND({gate_rec}, {invoice_blank})",
        # Update: a change of Amount or Stage into eligibility, or an Amount that differs
        # from the invoiced one. The flows' own writeback changes neither Amount nor Stage,
        # and Flow 4's move to the won stage leaves Amount equal to the invoiced amount.
        "update_entry": (
            f"AND({gate_rec}, OR("
            f"AND({invoice_blank}, OR({stage_changed}, {amount_changed})), "
            f"AND(NOT({invoice_blank}), {amount_changed}, "
            f"OR(ISBLANK({rec_invoiced}), {rec_amount} <> {rec_invoiced}))))"
        ),
        "reminder_entry": f"AND({f.any_of(rec_status, unpaid)}, NOT({invoice_blank}))",
        # Re-checks on the freshly read record, at the start of each async/scheduled path.
        "is_eligible": f.eligible(opp, inv.eligible_stages, inv.minimum_amount),
        "is_still_unpaid": f"AND({f.any_of(opp_status, unpaid)}, NOT(ISBLANK({opp_invoice})))",
        # Invoice revision and idempotency keys: same Opportunity + revision -> same keys,
        # so a retried interview gets Stripe's stored response instead of a new object.
        "next_revision": f"IF(ISBLANK({opp_revision}), 1, {opp_revision} + 1)",
        # The amount is part of the key: if an attempt failed after creating a draft and the
        # Amount then changed, the retry must not collide with the stored (different) request.
        "revision_key": (
            f'"sfpay-" & {m("$Record.Id")} & "-r" & TEXT({m("Next_Revision")}) & "-" & '
            f'TEXT({m("Amount_In_Smallest_Unit")})'
        ),
        "customer_key": f'"sfpay-" & {m("Get_Account.Id")} & "-customer"',
        "void_key": f'"sfpay-" & {m("$Record.Id")} & "-void-" & {opp_invoice}',
        "amount_smallest_unit": f.smallest_unit(f"{opp}.Amount", ctx.exponent),
        "previous_invoice_id": f"IF(ISBLANK({opp_invoice}), {opp_previous}, {opp_invoice})",
        # Stripe event body: {"object": {"id": "in_...", ...}}. Stripe writes "id" first in
        # every object, so the first "id" key after "object" is the invoice's own id.
        # Whitespace around the colon is skipped by searching for the next quote.
        "body_id_key_at": (
            f"IF(FIND({q_object}, {body}) = 0, 0, FIND({q_id}, {body}, FIND({q_object}, {body})))"
        ),
        "body_id_colon_at": f'IF({key_at} = 0, 0, FIND(":", {body}, {key_at} + 4))',
        "body_id_quote_at": f"IF({colon_at} = 0, 0, FIND({q}, {body}, {colon_at} + 1))",
        "event_invoice_id": (
            f'IF({quote_at} = 0, "", MID({body}, {quote_at} + 1, '
            f"FIND({q}, {body}, {quote_at} + 1) - {quote_at} - 1))"
        ),
        "has_invoice_id": (
            f'AND(NOT(ISBLANK({m("Event_Invoice_Id")})), MID({m("Event_Invoice_Id")}, 1, 3) = "in_")'
        ),
    }


def _texts(spec: Spec) -> dict[str, str]:
    inv = spec.invoicing
    return {
        "invoice_description": to_flow_text(inv.invoice_description, "Get_Opportunity", "Get_Account"),
        "line_description": to_flow_text(inv.line_description, "Get_Opportunity", "Get_Account"),
    }
