"""Issue 12, defect 4: an amount change issues the replacement completely (create, item,
finalize, send) and voids the old invoice last. A Stripe failure at any step leaves the payer's
open invoice in place and the Opportunity consistent, with a Sync Log; Retry Invoicing then
finishes the job without duplicates."""

from __future__ import annotations

import pytest
from flows_world import account, get, invoices, opportunity, retry, run_stripe_paths, setup, sync_logs

STEPS = {
    "read previous invoice": ("GET", "/v1/invoices/*"),
    "create invoice": ("POST", "/v1/invoices"),
    "add item": ("POST", "/v1/invoiceitems"),
    "finalize": ("POST", "/v1/invoices/*/finalize"),
    "send": ("POST", "/v1/invoices/*/send"),
}


def _invoiced(org, stripe_client):
    setup(org)
    opp_id = opportunity(org, account(org), amount=250)
    run_stripe_paths(org)
    return opp_id, get(org, opp_id)["Stripe_Invoice_ID__c"]


@pytest.mark.parametrize("step", list(STEPS))
def test_failure_before_the_void_keeps_the_old_invoice(org, sim, stripe_client, step):
    opp_id, old = _invoiced(org, stripe_client)
    method, path = STEPS[step]
    sim.admin.add_fault(method=method, path=path, fault="500")
    org.update("Opportunity", [{"Id": opp_id, "Amount": 300}])
    run_stripe_paths(org)
    sim.admin.clear_faults()

    row = get(org, opp_id)
    assert row["Stripe_Invoice_ID__c"] == old and str(row["Stripe_Invoiced_Amount__c"]) == "250.00"
    assert stripe_client.v1.invoices.retrieve(old).status == "open"
    assert row["Stripe_Invoicing_Error__c"].startswith("Failed: ") and row["Stripe_Invoicing_Attempt__c"] == 1
    (log,) = sync_logs(org, opp_id)
    assert (
        log["stripeGC__Action_Taken__c"].startswith("Failed: ")
        and "Stripe API error 500" in log["stripeGC__Message__c"]
    )

    retry(org, opp_id)
    row = get(org, opp_id)
    assert row["Stripe_Invoice_ID__c"] != old and row["Stripe_Previous_Invoice_ID__c"] == old
    assert stripe_client.v1.invoices.retrieve(old).status == "void"
    open_invoices = [i for i in invoices(stripe_client) if i.status == "open"]
    assert [(i.id, i.amount_due) for i in open_invoices] == [(row["Stripe_Invoice_ID__c"], 30000)]
    assert row["Stripe_Invoicing_Error__c"] is None and org.failed_interviews() == []


def test_failed_void_leaves_both_open_and_names_the_old_invoice(org, sim, stripe_client):
    opp_id, old = _invoiced(org, stripe_client)
    sim.admin.add_fault(method="POST", path="/v1/invoices/*/void", fault="500")
    org.update("Opportunity", [{"Id": opp_id, "Amount": 300}])
    run_stripe_paths(org)
    row = get(org, opp_id)
    new = stripe_client.v1.invoices.retrieve(row["Stripe_Invoice_ID__c"])
    # The Opportunity points at the invoice the payer was just sent, for the current amount.
    assert new.id != old and new.status == "open" and new.amount_due == 30000
    assert row["Stripe_Previous_Invoice_ID__c"] == old and stripe_client.v1.invoices.retrieve(old).status == "open"
    assert old in row["Stripe_Invoicing_Error__c"]
    (log,) = sync_logs(org, opp_id)
    assert log["stripeGC__Action_Taken__c"] == "Failed: Void Previous Invoice"


def test_replacing_an_invoice_paid_in_stripe_meanwhile_is_refused(org, stripe_client):
    opp_id, old = _invoiced(org, stripe_client)
    stripe_client.v1.invoices.pay(old, {"payment_method": "pm_card_visa"})  # the event has not arrived yet
    org.update("Opportunity", [{"Id": opp_id, "Amount": 300}])
    run_stripe_paths(org)
    row = get(org, opp_id)
    assert row["Stripe_Invoice_ID__c"] == old and [i.id for i in invoices(stripe_client)] == [old]
    assert "already paid in Stripe" in row["Stripe_Invoicing_Error__c"]


def test_first_invoice_stripe_could_not_send_is_voided_then_retried(org, sim, stripe_client):
    setup(org)
    sim.admin.add_fault(method="POST", path="/v1/invoices/*/send", fault="500")
    opp_id = opportunity(org, account(org))
    run_stripe_paths(org)
    sim.admin.clear_faults()
    row = get(org, opp_id)
    (unsent,) = invoices(stripe_client)
    assert row["Stripe_Invoice_ID__c"] is None and unsent.status == "void"
    assert row["Stripe_Invoicing_Error__c"].startswith("Failed: ") and "500" in row["Stripe_Invoicing_Error__c"]
    assert [log["stripeGC__Action_Taken__c"] for log in sync_logs(org, opp_id)] == ["Failed: Send Stripe Invoice"]
    retry(org, opp_id)
    row = get(org, opp_id)
    assert [i.id for i in invoices(stripe_client) if i.status == "open"] == [row["Stripe_Invoice_ID__c"]]
    assert sim.admin.sent_emails(invoice=row["Stripe_Invoice_ID__c"])
