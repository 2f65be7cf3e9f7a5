"""Issue 12, defect 1: a bulk save of mixed records. On the old flows (25/20 interviews per
async transaction) the first interview's DML (a Sync Log, a writeback) made every other
interview's pending callout fail with "uncommitted work pending"; the new flows run each
record in its own transaction on the Stripe path."""

from __future__ import annotations

from collections import Counter

from flows_world import ELIGIBLE, get, invoices, retry, run_stripe_paths, setup, sync_logs


def test_mixed_batch_of_200_invoices_every_good_record_exactly_once(org, sim, stripe_client):
    setup(org)
    kinds = (
        ["new"] * 80
        + ["existing"] * 40
        + ["no_account"] * 20
        + ["zero"] * 20
        + ["ineligible"] * 20
        + ["bad_customer"] * 20
    )
    existing = [
        stripe_client.v1.customers.create({"name": f"Existing {i}", "email": f"existing{i}@example.org"}).id
        for i in range(40)
    ]
    account_rows = []
    for i, kind in enumerate(kinds):
        row = {"Name": f"Mixed Account {i}"}
        if kind == "existing":
            row["stripeGC__Customer_Id__c"] = existing.pop()
        if kind == "bad_customer":
            row["stripeGC__Customer_Id__c"] = f"cus_doesnotexist{i}"
        account_rows.append(row)
    accounts = [r.id for r in org.insert("Account", account_rows)]
    opps = []
    for i, (kind, acc) in enumerate(zip(kinds, accounts)):
        opps.append(
            {
                "Name": f"Mixed {i}",
                "StageName": "Prospecting" if kind == "ineligible" else ELIGIBLE,
                "CloseDate": "2026-12-31",
                "Amount": 0 if kind == "zero" else 100 + i,
                **({} if kind == "no_account" else {"AccountId": acc}),
            }
        )
    results = org.insert("Opportunity", opps)  # one save of 200 records
    assert all(r.success for r in results)
    ids = [r.id for r in results]
    contacts = org.insert("Contact", [{"LastName": f"Payer {i}", "Email": f"payer{i}@example.org"} for i in range(200)])
    assert all(
        r.success
        for r in org.insert(
            "OpportunityContactRole",
            [{"OpportunityId": o, "ContactId": c.id, "IsPrimary": True} for o, c in zip(ids, contacts)],
        )
    )
    # A Stripe failure in the middle of the run, on whichever records reach it.
    sim.admin.add_fault(method="POST", path="/v1/invoices/*/finalize", fault="500", nth=30, count=3)

    run_stripe_paths(org)

    assert org.failed_interviews() == []
    stripe_tx = [t for t in org.limits_usage()["transactions"] if "Stripe_Path" in t["label"]]
    assert stripe_tx and all(
        t["interviews"] == 1 and t["callouts"] <= 80 and t["outcome"] == "committed" for t in stripe_tx
    )
    by_description = Counter(i.description for i in invoices(stripe_client) if i.status != "draft")
    logged = {opp_id for opp_id in ids if sync_logs(org, opp_id)}
    failed_by_fault = set()
    for kind, opp_id, i in zip(kinds, ids, range(200)):
        row = get(org, opp_id)
        if kind in ("new", "existing"):
            if row["Stripe_Invoice_ID__c"] is None:  # hit by the injected 500
                assert opp_id in logged and row["Stripe_Invoicing_Error__c"].startswith("Failed: ")
                failed_by_fault.add(opp_id)
                continue
            assert by_description[f"Invoice for Mixed {i}"] == 1, (kind, i)
            assert row["Stripe_Payment_Status__c"] == "Open" and opp_id not in logged
        elif kind in ("no_account", "bad_customer"):
            assert row["Stripe_Invoice_ID__c"] is None and opp_id in logged and row["Stripe_Invoicing_Error__c"], (
                kind,
                i,
            )
        else:
            assert row["Stripe_Invoice_ID__c"] is None and opp_id not in logged, (kind, i)
    assert len(failed_by_fault) == 3

    for opp_id in failed_by_fault:  # the documented retry, once Stripe is back
        retry(org, opp_id)
    by_description = Counter(i.description for i in invoices(stripe_client) if i.status == "open")
    for kind, opp_id, i in zip(kinds, ids, range(200)):
        if kind in ("new", "existing"):
            row = get(org, opp_id)
            assert row["Stripe_Invoice_ID__c"] and by_description[f"Invoice for Mixed {i}"] == 1, (kind, i)
            assert row["Stripe_Invoicing_Error__c"] is None and row["Stripe_Retry_Invoicing__c"] is False
