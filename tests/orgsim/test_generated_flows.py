"""The four generated flows (force-app/, from the generator) against stripesim, through their behaviour.

Each test drives the org through the public API as an admin or the webhook would, and checks
both sides: the Opportunity in the org and the objects in Stripe.
"""

from __future__ import annotations

import re
import shutil

import pytest
import stripe
from orgsim_helpers import opp

from orgsim import Compare

STRIPE_ACCOUNT_NAME = "CT Nonprofit Alliance"  # spec default (specs/ct-nonprofit.yml)
ELIGIBLE = "Proposal/Price Quote"
OPP_FIELDS = [
    "Stripe_Invoice_ID__c",
    "Stripe_Invoice_URL__c",
    "Stripe_Payment_Status__c",
    "Stripe_Previous_Invoice_ID__c",
    "StageName",
    "Amount",
    "Stripe_Invoice_Revision__c",
]


@pytest.fixture
def world(generated):
    org = generated
    org.insert("stripeGC__Stripe_Account__c", [{"Name": STRIPE_ACCOUNT_NAME}])
    account = org.insert("Account", [{"Name": "Hartford Youth Choir"}])[0].id
    return org, account


@pytest.fixture
def stripe_client(sim):
    return sim.stripe_client()


def record_types(org) -> dict:
    return {
        r["DeveloperName"]: r["Id"]
        for r in org.select("RecordType", ["Id", "DeveloperName"], Compare("SobjectType", "=", "Opportunity"))
    }


def get(org, rid) -> dict:
    return org.retrieve("Opportunity", rid, OPP_FIELDS)


def add_payer(org, opp_id, account) -> None:
    """The primary contact with an email: without one the flows stop before Stripe (issue 12)."""
    contact = org.insert("Contact", [{"LastName": "Payer", "Email": "payer@example.org", "AccountId": account}])[0].id
    assert org.insert("OpportunityContactRole", [{"OpportunityId": opp_id, "ContactId": contact, "IsPrimary": True}])[
        0
    ].success


def run_stripe_paths(org) -> None:
    """The flows' Stripe calls run on a scheduled path 1 minute after the save."""
    org.clock.advance(minutes=2)


def new_opp(org, account, **kw) -> str:
    values = {"stage": ELIGIBLE, "amount": 250, "AccountId": account, **kw}
    result = org.insert(
        "Opportunity", [opp(values.pop("name", "Spring Gala"), values.pop("stage"), values.pop("amount"), **values)]
    )[0]
    assert result.success, result.errors
    add_payer(org, result.id, account)
    run_stripe_paths(org)
    return result.id


def invoices(client) -> list:
    return list(client.v1.invoices.list({"limit": 100}).data)


def sync_logs(org) -> list[dict]:
    return org.select(
        "stripeGC__Sync_Log__c",
        ["stripeGC__Action_Taken__c", "stripeGC__Message__c", "stripeGC__Error_Details__c"],
        order_by=[("Name", "ASC")],
    )


def deliver_events(org, client, types: tuple[str, ...] | None = None, *, reverse: bool = False) -> list[dict]:
    """What the webhook listener does: each Stripe event -> intake (newest first from the API);
    the event flow applies them on its Stripe path a minute later."""
    events = [e.to_dict() for e in client.v1.events.list({"limit": 100}).data]
    events.reverse()  # oldest first, the order Stripe created them
    if types:
        events = [e for e in events if e["type"] in types]
    if reverse:
        events.reverse()
    results = [org.intake_stripe_event(e) for e in events]
    run_stripe_paths(org)
    return results


def test_invoice_on_create_with_url_written_back(world, stripe_client):
    org, account = world
    rid = new_opp(org, account, amount=250)
    row = get(org, rid)
    (invoice,) = invoices(stripe_client)
    assert row["Stripe_Invoice_ID__c"] == invoice.id and row["Stripe_Invoice_URL__c"] == invoice.hosted_invoice_url
    assert row["Stripe_Payment_Status__c"] == "Open"
    assert invoice.status == "open" and invoice.amount_due == 25000 and invoice.collection_method == "send_invoice"
    customer = stripe_client.v1.customers.retrieve(invoice.customer)
    assert customer.name == "Hartford Youth Choir"
    assert org.retrieve("Account", account, ["stripeGC__Customer_Id__c"])["stripeGC__Customer_Id__c"] == customer.id
    assert sync_logs(org) == [] and org.failed_interviews() == []
    # All callouts came before any record write, in one transaction for this one record:
    # customer, invoice, item, finalize, send.
    stripe_tx = [
        t
        for t in org.limits_usage()["transactions"]
        if t["label"].startswith("scheduled path Stripe_Invoice_On_Opportunity_Create")
    ]
    assert len(stripe_tx) == 1 and stripe_tx[0]["callouts"] == 5 and stripe_tx[0]["outcome"] == "committed"


def test_customer_reused_for_the_same_account(world, stripe_client):
    org, account = world
    first, second = new_opp(org, account, name="A"), new_opp(org, account, name="B")
    customers = {i.customer for i in invoices(stripe_client)}
    assert len(customers) == 1 and len(list(stripe_client.v1.customers.list().data)) == 1
    assert get(org, first)["Stripe_Invoice_ID__c"] != get(org, second)["Stripe_Invoice_ID__c"]


@pytest.mark.parametrize("stage,amount", [("Prospecting", 250), (ELIGIBLE, 0), (ELIGIBLE, None)])
def test_ineligible_stage_or_amount_does_nothing(world, stripe_client, stage, amount):
    org, account = world
    rid = new_opp(org, account, stage=stage, amount=amount)
    assert get(org, rid)["Stripe_Invoice_ID__c"] is None
    assert invoices(stripe_client) == [] and org.pending_work() == []


def test_writeback_and_unrelated_edit_create_no_second_invoice(world, stripe_client):
    org, account = world
    rid = new_opp(org, account)
    assert len(invoices(stripe_client)) == 1
    # The writeback of the invoice id was an update: the update flow evaluated and did not fire.
    assert not any("Stripe_Invoice_On_Opportunity_Update" in t["label"] for t in org.limits_usage()["transactions"])
    org.update("Opportunity", [{"Id": rid, "Description": "thank-you call done", "NextStep": "send receipt"}])
    org.update("Opportunity", [{"Id": rid, "StageName": "Negotiation/Review"}])
    run_stripe_paths(org)
    assert len(invoices(stripe_client)) == 1


def test_amount_change_while_open_voids_and_reissues(world, stripe_client):
    org, account = world
    rid = new_opp(org, account, amount=250)
    old = get(org, rid)["Stripe_Invoice_ID__c"]
    assert org.update("Opportunity", [{"Id": rid, "Amount": 300}])[0].success
    run_stripe_paths(org)
    row = get(org, rid)
    assert row["Stripe_Invoice_ID__c"] != old and row["Stripe_Previous_Invoice_ID__c"] == old
    assert stripe_client.v1.invoices.retrieve(old).status == "void"
    new = stripe_client.v1.invoices.retrieve(row["Stripe_Invoice_ID__c"])
    assert new.status == "open" and new.amount_due == 30000 and row["Stripe_Payment_Status__c"] == "Open"
    assert len({i.customer for i in invoices(stripe_client)}) == 1


def test_paid_sets_paid_and_won_stage(world, stripe_client):
    org, account = world
    rid = new_opp(org, account)
    stripe_client.v1.invoices.pay(get(org, rid)["Stripe_Invoice_ID__c"], {"payment_method": "pm_card_visa"})
    results = deliver_events(org, stripe_client)
    assert all(r["success"] for r in results)
    row = get(org, rid)
    assert row["Stripe_Payment_Status__c"] == "Paid" and row["StageName"] == "Closed Won"


def test_failed_then_paid(world, stripe_client):
    org, account = world
    rid = new_opp(org, account)
    invoice_id = get(org, rid)["Stripe_Invoice_ID__c"]
    with pytest.raises(stripe.CardError):
        stripe_client.v1.invoices.pay(invoice_id, {"payment_method": "pm_card_chargeDeclined"})
    deliver_events(org, stripe_client, ("invoice.payment_failed",))
    assert get(org, rid)["Stripe_Payment_Status__c"] == "Failed"
    stripe_client.v1.invoices.pay(invoice_id, {"payment_method": "pm_card_visa"})
    deliver_events(org, stripe_client, ("invoice.paid", "invoice.payment_succeeded"))
    row = get(org, rid)
    assert row["Stripe_Payment_Status__c"] == "Paid" and row["StageName"] == "Closed Won"


def test_duplicate_and_out_of_order_events(world, stripe_client):
    org, account = world
    rid = new_opp(org, account)
    invoice_id = get(org, rid)["Stripe_Invoice_ID__c"]
    with pytest.raises(stripe.CardError):
        stripe_client.v1.invoices.pay(invoice_id, {"payment_method": "pm_card_chargeDeclined"})
    stripe_client.v1.invoices.pay(invoice_id, {"payment_method": "pm_card_visa"})
    # Delivered newest first: paid arrives before the older payment_failed, and twice.
    first = deliver_events(org, stripe_client, ("invoice.paid", "invoice.payment_failed"), reverse=True)
    again = deliver_events(org, stripe_client, ("invoice.paid", "invoice.payment_failed"), reverse=True)
    assert [r["created"] for r in first] == [True, True] and [r["created"] for r in again] == [False, False]
    assert org.count("stripeGC__Stripe_Event__c") == 2
    assert get(org, rid)["Stripe_Payment_Status__c"] == "Paid"  # the late failure did not downgrade Paid
    stored = org.select(
        "stripeGC__Stripe_Event__c",
        ["Name", "stripeGC__Event_Name__c", "stripeGC__Request_Body__c"],
        Compare("stripeGC__Event_Name__c", "=", "invoice.paid"),
    )[0]
    assert stored["Name"].startswith("evt_") and stored["stripeGC__Request_Body__c"].startswith(
        '{\n  "object": {\n    "id": "in_'
    )


def test_reminder_after_30_days_only_if_unpaid_with_template_per_record_type(world, stripe_client):
    org, account = world
    rts = record_types(org)
    ids = {
        "nonprofit": new_opp(org, account, name="NP", RecordTypeId=rts["Nonprofit"]),
        "profit": new_opp(org, account, name="P", RecordTypeId=rts["Profit"]),
        "none": new_opp(org, account, name="None"),
        "paid": new_opp(org, account, name="Paid", RecordTypeId=rts["Nonprofit"]),
    }
    stripe_client.v1.invoices.pay(get(org, ids["paid"])["Stripe_Invoice_ID__c"], {"payment_method": "pm_card_visa"})
    deliver_events(org, stripe_client)
    assert org.clock.advance(days=29) == 0 and org.outbox() == []
    org.clock.advance(days=1)
    sent = {m["record_id"]: m for m in org.outbox()}
    assert set(sent) == {ids["nonprofit"], ids["profit"], ids["none"]}
    assert sent[ids["nonprofit"]]["alert"] == "Opportunity.Stripe_Payment_Reminder_Nonprofit"
    assert sent[ids["profit"]]["alert"] == "Opportunity.Stripe_Payment_Reminder_Profit"
    assert sent[ids["none"]]["alert"] == "Opportunity.Stripe_Payment_Reminder_Other"
    mail = sent[ids["nonprofit"]]
    assert (
        "Hartford Youth Choir" in mail["body"] and get(org, ids["nonprofit"])["Stripe_Invoice_URL__c"] in mail["body"]
    )
    # The payer first, the owner in copy (spec default recipients: payer, owner, account owner).
    assert mail["subject"] == "Friendly reminder: invoice for NP" and mail["recipients"] == [
        "payer@example.org",
        "admin@orgsim.local",
    ]


def test_stripe_failure_logs_then_clean_retry_without_duplicates(world, stripe_client, sim):
    org, account = world
    sim.admin.add_fault(method="POST", path="/v1/invoices", fault="500")
    rid = new_opp(org, account)
    assert get(org, rid)["Stripe_Invoice_ID__c"] is None
    (log,) = sync_logs(org)
    assert log["stripeGC__Action_Taken__c"].startswith("Failed: Create")
    assert "Stripe API error 500" in log["stripeGC__Message__c"]
    # Retry: the admin checks Retry Invoicing; the update flow issues the invoice.
    org.update("Opportunity", [{"Id": rid, "Stripe_Retry_Invoicing__c": True}])
    run_stripe_paths(org)
    row = get(org, rid)
    (invoice,) = invoices(stripe_client)
    assert row["Stripe_Invoice_ID__c"] == invoice.id and invoice.status == "open"
    assert len(list(stripe_client.v1.customers.list().data)) == 1  # the customer call was replayed by idempotency key


def test_bulk_save_runs_one_record_per_transaction(world, stripe_client):
    """60 eligible Opportunities in one save: the Stripe path's batch size 1 gives each record its
    own transaction, so no record's writes can break another record's callouts."""
    org, account = world
    results = org.insert("Opportunity", [opp(f"Bulk {i}", ELIGIBLE, 100, AccountId=account) for i in range(60)])
    assert all(r.success for r in results)
    for r in results:
        add_payer(org, r.id, account)
    run_stripe_paths(org)
    assert org.failed_interviews() == []
    assert org.count("Opportunity", Compare("Stripe_Invoice_ID__c", "!=", None)) == 60
    create_tx = [
        t
        for t in org.limits_usage()["transactions"]
        if t["label"].startswith("scheduled path Stripe_Invoice_On_Opportunity_Create")
    ]
    assert len(create_tx) == 60 and all(
        t["interviews"] == 1 and t["callouts"] <= 6 and t["outcome"] == "committed" for t in create_tx
    )
    assert len(invoices(stripe_client)) == 60


def test_without_the_batch_size_a_bulk_save_exceeds_the_callout_limit(sim, clock, tmp_path):
    """The same flows without maxBatchSize: 30 interviews share one scheduled-path transaction
    (batch size 200), 5 callouts each pass the limit: System.LimitException, the batch rolls
    back, every interview is recorded as failed -- what a real org does to a bulk load."""
    from orgsim_helpers import generated_root

    from orgsim import Org, StripeConfig

    root = generated_root()
    if not (root / "force-app" / "main" / "default" / "flows").is_dir():
        pytest.skip("no generated force-app/ yet")
    shutil.copytree(root / "force-app", tmp_path / "force-app")
    for flow_file in (tmp_path / "force-app").rglob("*.flow-meta.xml"):
        text = flow_file.read_text(encoding="utf-8")
        flow_file.write_text(re.sub(r"\s*<maxBatchSize>\d+</maxBatchSize>", "", text), encoding="utf-8")
    org = Org.open(":memory:", clock=clock, stripe=StripeConfig(api_base=sim.base_url, api_key=sim.api_key))
    org.deploy_source(tmp_path)
    org.insert("stripeGC__Stripe_Account__c", [{"Name": STRIPE_ACCOUNT_NAME}])
    account = org.insert("Account", [{"Name": "Bulk Donor"}])[0].id
    results = org.insert("Opportunity", [opp(f"Bulk {i}", ELIGIBLE, 100, AccountId=account) for i in range(30)])
    assert all(r.success for r in results)  # the save itself commits
    for r in results:
        add_payer(org, r.id, account)
    run_stripe_paths(org)
    failed = org.failed_interviews()
    assert len(failed) == 30 and {f["message"] for f in failed} == {"System.LimitException: Too many callouts: 101"}
    assert org.count("Opportunity", Compare("Stripe_Invoice_ID__c", "!=", None)) == 0
    tx = [t for t in org.limits_usage()["transactions"] if t["label"].startswith("scheduled path")][-1]
    assert tx["outcome"] == "rolled back: System.LimitException: Too many callouts: 101"
    org.close()
