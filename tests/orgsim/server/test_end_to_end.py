"""The issue's "done when": deploy the project through the REST deploy endpoint, create an
Opportunity with simple-salesforce and see its Stripe invoice appear; pay the invoice with the
stripe SDK and see the status turn Paid through a signed webhook."""

from __future__ import annotations

import time

from server_helpers import deploy_rest, project_zip


def _wait_for(fn, timeout=15.0, tick=None):
    """`tick`: called between polls, e.g. to move the org clock so scheduled paths fall due."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        if tick:
            tick()
        time.sleep(0.05)


def test_invoice_then_paid_through_the_webhook(stack, https):
    sf, config = stack["sf"], stack["config"]
    result = deploy_rest(https, config, stack["token"], project_zip())
    assert result["status"] == "Succeeded", result["details"]["componentFailures"]
    sf.stripeGC__Stripe_Account__c.create({"Name": "CT Nonprofit Alliance"})
    account = sf.Account.create({"Name": "Hartford Friends"})["id"]
    opp = sf.Opportunity.create(
        {
            "Name": "Spring appeal",
            "AccountId": account,
            "StageName": "Proposal/Price Quote",
            "CloseDate": "2026-12-01",
            "Amount": 250,
        }
    )["id"]
    # The generated flows need the payer's email (primary contact) and run their Stripe calls on
    # a scheduled path one minute after the save (issue 12).
    contact = sf.Contact.create({"LastName": "Payer", "Email": "payer@example.org", "AccountId": account})["id"]
    sf.OpportunityContactRole.create({"OpportunityId": opp, "ContactId": contact, "IsPrimary": True})
    tick = lambda: stack["org"].clock.advance(minutes=1)  # noqa: E731
    record = _wait_for(lambda: (r := sf.Opportunity.get(opp))["Stripe_Invoice_ID__c"] and r, tick=tick)
    assert record, sf.query("SELECT stripeGC__Message__c, stripeGC__Error_Details__c FROM stripeGC__Sync_Log__c")
    invoice_id = record["Stripe_Invoice_ID__c"]
    assert invoice_id.startswith("in_") and record["Stripe_Invoice_URL__c"].startswith("http")
    invoice = stack["stripe"].invoices.retrieve(invoice_id)
    assert invoice.status == "open" and invoice.amount_due == 25000

    stack["stripe"].invoices.pay(invoice_id, params={"paid_out_of_band": True})
    paid = _wait_for(lambda: sf.Opportunity.get(opp)["Stripe_Payment_Status__c"] == "Paid", tick=tick)
    assert paid, sf.query("SELECT stripeGC__Event_Name__c FROM stripeGC__Stripe_Event__c")
    events = sf.query("SELECT stripeGC__Event_Name__c FROM stripeGC__Stripe_Event__c")["records"]
    assert "invoice.paid" in [e["stripeGC__Event_Name__c"] for e in events]


def test_org_clock_and_stripe_test_clock_move_together(stack, https):
    config, client = stack["config"], stack["stripe"]
    org_now = stack["org"].clock.now()
    test_clock = client.test_helpers.test_clocks.create(params={"frozen_time": int(org_now.timestamp())})
    response = https.post(
        f"{config.instance_url}/_orgsim/clock",
        json={"days": 31, "stripe_test_clock": test_clock.id},
        headers={"Authorization": f"Bearer {stack['token']}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    moved = client.test_helpers.test_clocks.retrieve(test_clock.id)
    assert moved.status == "ready"
    assert moved.frozen_time == body["stripe_test_clock"]["frozen_time"] == int(stack["org"].clock.now().timestamp())
    assert moved.frozen_time - test_clock.frozen_time >= 31 * 86400
