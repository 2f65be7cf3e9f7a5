"""Steps several scenarios start with."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.context import ScenarioContext


@dataclass
class Invoiced:
    account_id: str
    opportunity_id: str
    opportunity: dict[str, Any]
    invoice_id: str
    customer_id: str | None


def invoiced_opportunity(
    ctx: "ScenarioContext",
    amount: Decimal | int | None = None,
    *,
    customer_id: str | None = None,
    **opportunity_fields: Any,
) -> Invoiced:
    """A fresh Account and an eligible Opportunity, waited on until its invoice id is written back.

    The amount defaults to the spec's (`SpecView.amount()`), so any spec's gate lets it through."""
    amount = ctx.spec.amount() if amount is None else amount
    account_id = ctx.org.create_account(customer_id=customer_id)
    opportunity_id = ctx.org.create_opportunity(account_id, amount, **opportunity_fields)
    opp = ctx.org.wait_for_invoice(opportunity_id)
    invoice_id = opp[ctx.spec.invoice_id_field]
    ctx.note("stripe", "Invoice", invoice_id, opp.get(ctx.spec.invoice_url_field) or None)
    return Invoiced(account_id, opportunity_id, opp, invoice_id, ctx.org.account_customer_id(account_id))


def pay_and_wait(
    ctx: "ScenarioContext",
    invoiced: Invoiced,
    payment_method: str,
    expect_status: str,
    timing: str,
    *,
    card_succeeds: bool = True,
) -> tuple[dict[str, Any], float]:
    """Pay through the Stripe SDK and wait until the webhook round trip sets `expect_status`.

    Returns the Opportunity and the seconds from the payment call to the status change."""
    import time

    started = time.monotonic()
    before = ctx.org.opportunity(invoiced.opportunity_id).get(ctx.spec.status_field)
    succeeded, detail = ctx.stripe_side.pay(invoiced.invoice_id, payment_method)
    ctx.note("stripe", f"Payment with {payment_method}", detail)
    if succeeded != card_succeeds:
        ctx.fail(
            f"paying {invoiced.invoice_id} with {payment_method} {'succeeded' if succeeded else 'failed'} "
            f"({detail}); Stripe test mode {'accepts' if card_succeeds else 'declines'} that card"
        )
    opp = ctx.org.wait_for_status(invoiced.opportunity_id, expect_status, before=before)
    seconds = time.monotonic() - started
    ctx.timing(timing, seconds)
    return opp, seconds


def ineligible_stage(ctx: "ScenarioContext") -> str:
    """An active Opportunity stage of the org outside the spec's gate (and not the won stage);
    the scenario is skipped, with the reason, when the spec invoices in every stage."""
    spec = ctx.spec
    values = ctx.org.stage_values()
    outside = [v for v in values if v not in spec.eligible_stages and v != spec.won_stage]
    if not outside:
        ctx.skip(
            f"every active Opportunity stage of the org ({', '.join(values) or 'none listed'}) is in the spec's "
            f"gate or is the won stage: there is no ineligible stage to try"
        )
    return outside[0]


def record_types_in_org(ctx: "ScenarioContext") -> list[str]:
    """The spec's record types to use. With `record_types.create: false` the spec expects the org
    to have them; those it lacks are noted (a sandbox normally has them, the local org may not)."""
    spec = ctx.spec
    wanted = [rt.developer_name for rt in spec.record_types]
    if spec.record_types_created:
        return wanted  # deployed by sfpay: a missing one is a failed deploy, reported where it is used
    present = ctx.org.existing_record_types(wanted)
    missing = [name for name in wanted if name not in present]
    if missing:
        ctx.note(
            "note", "Record types the spec expects but the org lacks (record_types.create: false)", ", ".join(missing)
        )
    return present


def reminder_offset_seconds(ctx: "ScenarioContext") -> int:
    from harness.spec_view import offset_seconds

    number, unit = ctx.spec.reminder_offsets[0]
    return offset_seconds(number, unit)


def emails_about(ctx: "ScenarioContext", record_id: str) -> list[dict[str, Any]]:
    """Sent emails related to `record_id`: dicts with related_id, template, subject, to (list of addresses)."""
    return ctx.target.outbox(record_id)


def user_emails(ctx: "ScenarioContext", user_ids: list[str]) -> dict[str, str]:
    from harness.drivers.salesforce import soql_quote

    rows = ctx.org.query(f"SELECT Id, Email FROM User WHERE Id IN ({', '.join(soql_quote(u) for u in user_ids)})")
    return {row["Id"]: row["Email"] for row in rows}
