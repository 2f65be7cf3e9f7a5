"""Issue 12, defects 2 and 3: the payer's email is resolved before any Stripe call; Stripe sends
the invoice to it; the Opportunity keeps it; reminders go to the payer with the owner in copy."""

from __future__ import annotations

from flows_world import account, add_payer, get, invoices, opportunity, retry, run_stripe_paths, setup, sync_logs


def test_payer_without_email_stops_before_stripe_then_retries_cleanly(org, stripe_client):
    setup(org)
    acc = account(org)
    opp_id = opportunity(org, acc, payer=None)
    contact = add_payer(org, opp_id, acc, None)  # a primary contact, but no email
    run_stripe_paths(org)

    row = get(org, opp_id)
    assert row["Stripe_Invoice_ID__c"] is None
    assert list(stripe_client.v1.customers.list().data) == [] and invoices(stripe_client) == []  # no Stripe call
    (log,) = sync_logs(org, opp_id)
    assert log["stripeGC__Action_Taken__c"] == "Skipped: no payer email"
    assert "Add the payer's email, then check Retry Invoicing" in log["stripeGC__Message__c"]
    assert row["Stripe_Invoicing_Error__c"].startswith("No payer email")

    # An unrelated edit does not start the invoicing again while the error stands.
    org.update("Opportunity", [{"Id": opp_id, "Description": "called the donor"}])
    run_stripe_paths(org)
    assert get(org, opp_id)["Stripe_Invoice_ID__c"] is None

    org.update("Contact", [{"Id": contact, "Email": "treasurer@example.org"}])
    retry(org, opp_id)
    row = get(org, opp_id)
    (invoice,) = invoices(stripe_client)
    assert row["Stripe_Invoice_ID__c"] == invoice.id and invoice.status == "open"
    assert row["Stripe_Payer_Email__c"] == "treasurer@example.org" == invoice.customer_email
    assert row["Stripe_Invoicing_Error__c"] is None and row["Stripe_Retry_Invoicing__c"] is False


def test_invoice_is_sent_to_the_payer_and_reminders_reach_payer_and_owner(org, sim, stripe_client):
    setup(org)
    opp_id = opportunity(org, account(org), payer="payer@example.org")
    run_stripe_paths(org)
    row = get(org, opp_id)
    invoice = stripe_client.v1.invoices.retrieve(row["Stripe_Invoice_ID__c"])
    assert invoice.customer_email == "payer@example.org" and row["Stripe_Payer_Email__c"] == "payer@example.org"
    (sent,) = sim.admin.sent_emails(invoice=invoice.id)
    assert sent["to"] == "payer@example.org" and sent["trigger"] == "send"

    org.clock.advance(days=31)
    (mail,) = [m for m in org.outbox() if m["record_id"] == opp_id]
    recipients = set(mail["recipients"]) | set(mail.get("cc") or [])
    assert {"payer@example.org", "admin@orgsim.local"} <= recipients
    assert row["Stripe_Invoice_URL__c"] in mail["body"]
