"""The sorted merge and the rules that classify each pair. Pure: no network, no storage.

Both inputs are iterators in invoice-id byte order (store.SortStore.sorted); the merge holds
one row of each side at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from operate.reconcile.facts import Facts
from operate.reconcile.findings import Finding, Kind

Row = dict[str, Any]


def merge(org: Iterator[Row], stripe: Iterator[Row]) -> Iterator[tuple[Row | None, Row | None]]:
    """(org row, Stripe row) pairs by invoice id; None where one side has no such invoice."""
    sentinel: Row = {}
    a, b = next(org, sentinel), next(stripe, sentinel)
    while a is not sentinel or b is not sentinel:
        if b is sentinel or (a is not sentinel and a["invoice_id"] < b["invoice_id"]):
            yield a, None
            a = next(org, sentinel)
        elif a is sentinel or b["invoice_id"] < a["invoice_id"]:
            yield None, b
            b = next(stripe, sentinel)
        else:
            yield a, b
            a, b = next(org, sentinel), next(stripe, sentinel)


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def compare(facts: Facts, org: Row, inv: Row) -> list[Finding]:
    """An Opportunity and the invoice it holds."""
    base = {
        "invoice_id": inv["invoice_id"],
        "opportunity_id": org["opp_id"],
        "org_status": org["status"],
        "stripe_status": inv["status"],
    }
    found: list[Finding] = []
    stripe_status = inv["status"]
    expected = facts.expected_status(stripe_status)
    if stripe_status in ("paid", "void", "uncollectible") and org["status"] != expected:
        event = facts.replay_event(stripe_status)
        if org["status"] == facts.status_paid:
            found.append(
                Finding(
                    Kind.STATUS_CONFLICT,
                    **base,
                    detail=f"Stripe says {stripe_status}, the Opportunity says {org['status']} (Paid is never downgraded)",
                    action="check the payment in the Stripe Dashboard (refund? voided by mistake?) and fix by hand",
                )
            )
        elif event is None:
            found.append(
                Finding(
                    Kind.STATUS_STALE,
                    **base,
                    detail=f"Stripe says {stripe_status}; the spec maps no event to it, so the flows cannot apply it",
                    action="map the event in the spec's `events:` and redeploy, or update the record by hand",
                )
            )
        else:
            found.append(
                Finding(
                    Kind.STATUS_STALE,
                    **base,
                    detail=f"Stripe says {stripe_status} since {_when(inv['transition_at'])}, "
                    f"the Opportunity says {org['status'] or 'nothing'}",
                    action=f"--apply replays {event} so the event flow applies it; then check why the webhook "
                    "was missed (endpoint disabled? listener site down?)",
                    fixable=True,
                )
            )
    elif stripe_status in ("open", "draft") and org["status"] in facts.final_values():
        found.append(
            Finding(
                Kind.STATUS_CONFLICT,
                **base,
                detail=f"the Opportunity says {org['status']}, Stripe says the invoice is {stripe_status}",
                action="someone set the status by hand or Stripe reopened nothing: check the Stripe "
                "Dashboard and the Opportunity's field history",
            )
        )
    invoiced = _decimal(org["invoiced_amount"]) if org["invoiced_amount"] is not None else _decimal(org["amount"])
    if invoiced is not None and inv["total"] is not None and facts.minor_units(invoiced) != inv["total"]:
        found.append(
            Finding(
                Kind.AMOUNT_MISMATCH,
                **base,
                detail=f"invoiced {facts.minor_units(invoiced)} vs Stripe total {inv['total']} "
                f"({facts.currency}, smallest unit)",
                action="if the invoice is open, change the Amount to reissue, else correct the Opportunity by hand",
            )
        )
    elif inv["currency"] and inv["currency"] != facts.currency:
        found.append(
            Finding(
                Kind.AMOUNT_MISMATCH,
                **base,
                detail=f"invoice currency {inv['currency']}, the spec's is {facts.currency}",
                action="check which Stripe account and spec this org uses",
            )
        )
    if stripe_status == "paid" and org["status"] == facts.status_paid and org["stage"] != facts.won_stage:
        event = facts.replay_event("paid")
        found.append(
            Finding(
                Kind.WON_STAGE_MISSING,
                **base,
                detail=f"paid, stage is {org['stage']!r} (expected {facts.won_stage!r})",
                action=f"--apply replays {event}: the event flow sets Paid and the won stage in one save"
                if event
                else "set the stage by hand",
                fixable=event is not None,
            )
        )
    return found or [Finding(Kind.IN_SYNC, **base)]


def missing(facts: Facts, org: Row) -> Finding:
    return Finding(
        Kind.MISSING_IN_STRIPE,
        invoice_id=org["invoice_id"],
        opportunity_id=org["opp_id"],
        org_status=org["status"],
        detail="Stripe has no such invoice (deleted draft, other Stripe account, or typed by hand)",
        action="check the Stripe account the connector uses; clear the invoice id and check Retry "
        "Invoicing to issue a new one",
    )


def replaced(facts: Facts, inv: Row, opp_id: str, current: Row | None) -> Finding:
    """An invoice an amount change replaced (the Opportunity's previous invoice id)."""
    base = {
        "invoice_id": inv["invoice_id"],
        "opportunity_id": opp_id,
        "stripe_status": inv["status"],
        "org_status": current["status"] if current else None,
    }
    if inv["status"] == "open":
        return Finding(
            Kind.DUPLICATE_OPEN,
            **base,
            detail=f"replaced by {current['invoice_id'] if current else 'a newer invoice'} but still open: "
            "the payer can pay both",
            action="void it in Stripe (the flow's void failed; its Sync Log says why)",
        )
    if inv["status"] == "paid":
        return Finding(
            Kind.DUPLICATE_OPEN,
            **base,
            detail="the payer paid the replaced invoice",
            action="refund one of the payments or void the newer invoice, then correct the Opportunity",
        )
    return Finding(Kind.REPLACED, **base)


def orphan(facts: Facts, inv: Row, opp_id: str | None, how: str, current: Row | None) -> Finding:
    """A Stripe invoice no Opportunity holds; `opp_id` from its creation request or memo, if any."""
    base = {"invoice_id": inv["invoice_id"], "opportunity_id": opp_id, "stripe_status": inv["status"]}
    if inv["status"] in ("draft", "void"):
        return Finding(Kind.UNLINKED_INACTIVE, **base)
    if opp_id and current is not None and inv["status"] == "open" and current["status"] in facts.open_values():
        return Finding(
            Kind.DUPLICATE_OPEN,
            **base,
            org_status=current["status"],
            detail=f"issued for this Opportunity ({how}), which holds another open invoice {current['invoice_id']}",
            action=f"void {inv['invoice_id']} in Stripe",
        )
    if opp_id:
        detail = f"issued for Opportunity {opp_id} ({how}), which does not hold it"
        action = (
            "the flow stopped after Stripe issued it: put the id on the Opportunity only if it holds no other "
            "invoice, else void it in Stripe"
        )
    else:
        detail = f"no sign of an Opportunity ({how}); possibly not issued by sfpay"
        action = "find its origin in the Stripe Dashboard (customer, memo); void it if it was issued by mistake"
    return Finding(
        Kind.ORPHAN_IN_STRIPE, **base, org_status=current["status"] if current else None, detail=detail, action=action
    )


def _when(timestamp: int | None) -> str:
    import datetime as dt

    if not timestamp:
        return "an unknown time"
    return dt.datetime.fromtimestamp(int(timestamp), dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
