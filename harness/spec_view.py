"""The few spec facts scenarios need, in one flat object.

Scenarios must not hard-code field names, stages or events: an org's spec may rename all
of them. This view is built from the generator's spec model (`generator.spec`) so the
harness follows whatever the spec says, and scenarios read only this object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from generator.flow_kinds import FLOW_KINDS
from sfmeta.connector_package import ConnectorPackage


@dataclass(frozen=True)
class RecordTypeView:
    developer_name: str  # "" for the fallback reminder (any other record type)
    email_template: str  # template DeveloperName the reminder alert uses
    alert_name: str  # workflow email alert name
    subject: str
    recipient_types: tuple[str, ...]  # owner, accountOwner, user, ...
    shows_amount: bool = False  # the body has {amount}: the email must show the invoiced amount


@dataclass(frozen=True)
class SpecView:
    spec_path: str
    stripe_api_version: str
    namespace: str
    stripe_account_name: str
    currency: str
    currency_exponent: int  # decimal places of the smallest unit (2 for usd, 0 for jpy)
    # Opportunity fields
    invoice_id_field: str
    invoice_url_field: str
    status_field: str
    # Account field that stores the Stripe customer id
    customer_id_field: str
    eligible_stages: tuple[str, ...]
    minimum_amount: Decimal
    won_stage: str
    status_open: str
    status_paid: str
    status_failed: str
    webhook_events: tuple[str, ...]
    reminder_offsets: tuple[tuple[int, str], ...]  # (number, unit) as deployed, e.g. (30, "Days")
    reminder_date_field: str
    unpaid_statuses: tuple[str, ...]
    record_types: tuple[RecordTypeView, ...] = field(default_factory=tuple)
    fallback_reminder: RecordTypeView | None = None
    flow_names: tuple[str, ...] = ()
    # Issue 12: the payer email the invoice went to, the invoicing error and its retry switch.
    payer_email_field: str = "Stripe_Payer_Email__c"
    invoicing_error_field: str = "Stripe_Invoicing_Error__c"
    retry_field: str = "Stripe_Retry_Invoicing__c"
    previous_invoice_field: str = "Stripe_Previous_Invoice_ID__c"
    sends_invoice: bool = True
    flows_active: bool = True  # flows.status: Draft deploys flows that never run
    record_types_created: bool = True  # false: the spec expects the org to have them already
    unusable_customer: str = "recreate"

    # Connector objects (sfmeta/connector_package.py); their names follow the namespace.
    @property
    def stripe_event_object(self) -> str:
        return ConnectorPackage(self.namespace).stripe_event

    @property
    def sync_log_object(self) -> str:
        return ConnectorPackage(self.namespace).sync_log

    @property
    def stripe_account_object(self) -> str:
        return ConnectorPackage(self.namespace).stripe_account

    def record_type(self, developer_name: str) -> RecordTypeView:
        for record_type in self.record_types:
            if record_type.developer_name == developer_name:
                return record_type
        known = ", ".join(rt.developer_name for rt in self.record_types) or "none"
        raise KeyError(f"the spec defines no record type {developer_name!r} (it has: {known})")

    def amount_in_minor_units(self, amount: Decimal | float | int) -> int:
        return int((Decimal(str(amount)) * 10**self.currency_exponent).to_integral_value())

    # Amounts scenarios bill (issue 13): from the spec's minimum, never hard-coded, so any spec's
    # gate lets them through. Whole units: valid in every currency (the Amount field has scale 2,
    # a zero-decimal currency has no fractions).
    def amount(self, step: int = 0) -> Decimal:
        """An invoiceable amount, distinct per `step`: the minimum rounded up to a whole unit (at
        least 100, a plausible invoice), plus `step` units."""
        base = max(self.minimum_amount.to_integral_value(rounding=ROUND_CEILING), Decimal(100))
        return base + step

    def below_minimum(self) -> Decimal:
        """The largest amount the gate must refuse: the minimum less one shown minor unit."""
        places = min(self.currency_exponent, 2)  # Opportunity.Amount keeps 2 decimals
        return self.minimum_amount - Decimal(1).scaleb(-places)

    def money(self, amount: Decimal | float | int) -> str:
        """A major-unit amount as the payer reads it ("JPY 54,321", "USD 1,250.00")."""
        from generator.currency import format_money

        return format_money(amount, self.currency, self.currency_exponent)

    def money_minor(self, amount: int) -> str:
        """A Stripe amount (smallest unit) as the payer reads it."""
        from generator.currency import format_minor

        return format_minor(amount, self.currency, self.currency_exponent)


class SpecUnavailable(Exception):
    """The spec file is missing or invalid; the message lists every problem with file and line."""


_UNIT_SECONDS = {"Minutes": 60, "Hours": 3600, "Days": 86400, "Weeks": 7 * 86400, "Months": 31 * 86400}


def offset_seconds(number: int, unit: str) -> int:
    return number * _UNIT_SECONDS[unit]


def _reminder_view(developer_name: str, reminder) -> RecordTypeView:
    return RecordTypeView(
        developer_name=developer_name,
        email_template=reminder.template_name,
        alert_name=reminder.alert_name,
        subject=reminder.subject,
        recipient_types=tuple(r.type for r in reminder.recipients),
        shows_amount="{amount}" in reminder.body,
    )


def from_spec(spec, spec_path: str) -> SpecView:
    """Flatten the generator's `Spec` model into what scenarios read."""
    status = spec.fields.payment_status
    failed = [value for event, value in spec.events.items() if event == "invoice.payment_failed"]
    return SpecView(
        spec_path=spec_path,
        stripe_api_version=spec.stripe.api_version,
        namespace=spec.stripe.namespace,
        stripe_account_name=spec.stripe.account_name,
        currency=spec.currency.code,
        currency_exponent=currency_exponent(spec.currency.code, spec.currency.exponent),
        invoice_id_field=spec.fields.invoice_id.api_name,
        invoice_url_field=spec.fields.invoice_url.api_name,
        status_field=status.api_name,
        customer_id_field=spec.customer_id_field.api_name,
        eligible_stages=tuple(spec.invoicing.eligible_stages),
        minimum_amount=Decimal(spec.invoicing.minimum_amount),
        won_stage=spec.invoicing.won_stage,
        status_open=status.open,
        status_paid=status.paid,
        status_failed=failed[0] if failed else "",
        webhook_events=tuple(sorted(spec.events)),
        reminder_offsets=tuple((o.number, o.unit) for o in spec.reminders.offsets),
        reminder_date_field=spec.fields.invoice_date.api_name,
        unpaid_statuses=tuple(spec.reminders.unpaid_statuses),
        record_types=tuple(_reminder_view(rt.developer_name, rt.reminder) for rt in spec.record_types.types),
        fallback_reminder=_reminder_view("", spec.fallback_reminder),
        flow_names=tuple(getattr(spec.flows, kind.key).api_name for kind in FLOW_KINDS),
        payer_email_field=spec.fields.payer_email.api_name,
        invoicing_error_field=spec.fields.invoicing_error.api_name,
        retry_field=spec.fields.retry_invoicing.api_name,
        previous_invoice_field=spec.fields.previous_invoice_id.api_name,
        sends_invoice=spec.invoicing.send_invoice and spec.invoicing.collection_method == "send_invoice",
        unusable_customer=spec.invoicing.unusable_customer,
        flows_active=spec.flows.status == "Active",
        record_types_created=spec.record_types.create,
    )


def currency_exponent(code: str, explicit: int | None) -> int:
    # The generator's rule, so the harness expects exactly the amounts the flows send.
    from generator.currency import currency_exponent as generator_rule

    return generator_rule(code, explicit)


def load(spec_path: Path) -> SpecView:
    from generator.errors import SpecError
    from generator.spec.loader import load_spec

    try:
        spec = load_spec(spec_path)
    except SpecError as exc:
        raise SpecUnavailable(str(exc)) from None
    return from_spec(spec, str(spec_path))


def default_spec_path() -> Path:
    """The spec of the project found from the current folder (sfpay.project)."""
    from sfpay.project import ProjectError, discover

    try:
        return discover().spec
    except ProjectError as exc:
        raise SpecUnavailable(str(exc)) from None
