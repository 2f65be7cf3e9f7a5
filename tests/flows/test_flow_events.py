"""Issue 12, defect 6: the Stripe event is a hint. The event flow finds the invoice id in the
body (whole event or its `data` only), re-reads the invoice from Stripe on the Stripe path and
applies its current status: late, repeated or misleading events cannot set a wrong status."""

from __future__ import annotations

import json

import pytest
import stripe
from flows_world import account, get, opportunity, run_stripe_paths, setup, sync_logs


def _event(org, name: str, body: str) -> str:
    result = org.insert(
        "stripeGC__Stripe_Event__c",
        [
            {
                "Name": f"evt_{abs(hash(body)) % 10**12}",
                "stripeGC__Event_Name__c": name,
                "stripeGC__Request_Body__c": body,
            }
        ],
    )[0]
    assert result.success, result.errors
    return result.id


def _invoiced(org):
    setup(org)
    opp_id = opportunity(org, account(org))
    run_stripe_paths(org)
    return opp_id, get(org, opp_id)["Stripe_Invoice_ID__c"]


@pytest.mark.parametrize("shape", ["data-only", "full-event"])
def test_paid_applies_whatever_the_body_shape(org, stripe_client, shape):
    opp_id, invoice_id = _invoiced(org)
    invoice = stripe_client.v1.invoices.pay(invoice_id, {"payment_method": "pm_card_visa"}).to_dict()
    data = {"object": invoice}
    body = (
        json.dumps(data, indent=2, default=str)
        if shape == "data-only"
        else json.dumps(
            {"id": "evt_1", "object": "event", "api_version": "2025-04-30.basil", "type": "invoice.paid", "data": data},
            default=str,
        )
    )
    _event(org, "invoice.paid", body)
    assert get(org, opp_id)["Stripe_Payment_Status__c"] == "Open"  # not yet: the Stripe path runs later
    run_stripe_paths(org)
    row = get(org, opp_id)
    assert row["Stripe_Payment_Status__c"] == "Paid" and row["StageName"] == "Closed Won"


def test_late_failure_event_for_a_paid_invoice_sets_paid(org, stripe_client):
    """The failure event arrives after the invoice was paid, before its invoice.paid: Stripe's
    current status (paid) wins over the event's type."""
    opp_id, invoice_id = _invoiced(org)
    with pytest.raises(stripe.CardError):
        stripe_client.v1.invoices.pay(invoice_id, {"payment_method": "pm_card_chargeDeclined"})
    stripe_client.v1.invoices.pay(invoice_id, {"payment_method": "pm_card_visa"})
    _event(org, "invoice.payment_failed", json.dumps({"object": {"id": invoice_id, "status": "open"}}))
    run_stripe_paths(org)
    assert get(org, opp_id)["Stripe_Payment_Status__c"] == "Paid"


def test_failure_while_open_sets_failed_and_a_truncated_body_is_enough(org, stripe_client):
    opp_id, invoice_id = _invoiced(org)
    with pytest.raises(stripe.CardError):
        stripe_client.v1.invoices.pay(invoice_id, {"payment_method": "pm_card_chargeDeclined"})
    body = json.dumps({"object": {"id": invoice_id, "object": "invoice", "lines": {"data": ["..."]}}})[:60]
    _event(org, "invoice.payment_failed", body)
    run_stripe_paths(org)
    assert get(org, opp_id)["Stripe_Payment_Status__c"] == "Failed"


def test_event_for_an_unknown_invoice_is_logged(org):
    setup(org)
    event_id = _event(org, "invoice.paid", json.dumps({"object": {"id": "in_unknown123"}}))
    run_stripe_paths(org)
    (log,) = sync_logs(org, event_id)
    assert log["stripeGC__Action_Taken__c"] == "Skipped: no Opportunity for invoice"
