"""reconcile against a real org server and stripesim over HTTP: missed webhooks found and fixed
through the event path, orphans attributed, missing invoices confirmed, paging on both sides."""

from __future__ import annotations

from generator.spec.model import Spec
from operate.reconcile.facts import facts_from_spec
from operate.reconcile.findings import Kind
from operate.reconcile.run import reconcile

FACTS = facts_from_spec(Spec())  # the default spec's names and values


def kinds(result) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in result.findings:
        found.setdefault(finding.kind.value, set()).add(finding.invoice_id)
    return found


def test_clean_org_is_in_sync(world) -> None:
    world.invoiced("Spring Gala")
    world.invoiced("Summer Fair", 300)
    result = reconcile(world.sf, world.stripe, FACTS)
    assert result.counts == {"in_sync": 2}
    assert result.differences == 0


def test_missed_webhooks_are_stale_and_apply_fixes_them_through_flow_4(world) -> None:
    paid_opp, paid_inv = world.invoiced("Spring Gala")
    void_opp, void_inv = world.invoiced("Summer Fair", 300)
    world.webhooks(enabled=False)  # the endpoint Stripe disabled after its retries ran out
    world.stripe.v1.invoices.pay(paid_inv, {"payment_method": "pm_card_visa"})
    world.stripe.v1.invoices.void_invoice(void_inv)
    world.wait_deliveries()
    assert world.get(paid_opp)["Stripe_Payment_Status__c"] == "Open"

    result = reconcile(world.sf, world.stripe, FACTS)
    assert kinds(result) == {"status_stale": {paid_inv, void_inv}}
    assert all(f.fixable and not f.applied for f in result.findings)
    events = world.sf.query("SELECT Id FROM stripeGC__Stripe_Event__c")["totalSize"]
    assert events == 0, "read-only run wrote records"

    applied = reconcile(world.sf, world.stripe, FACTS, apply=True)
    assert applied.applied == 2, [f.applied for f in applied.findings]
    # A second run before Flow 4's scheduled path ran: the fix is pending, nothing recorded twice.
    again = reconcile(world.sf, world.stripe, FACTS, apply=True)
    assert again.applied == 0 and all(f.applied.startswith("pending") for f in again.findings), [
        f.applied for f in again.findings
    ]
    records = world.sf.query("SELECT Name, stripeGC__Event_Name__c FROM stripeGC__Stripe_Event__c")["records"]
    assert sorted(r["stripeGC__Event_Name__c"] for r in records) == ["invoice.paid", "invoice.voided"]
    assert all(r["Name"].startswith("evt_") for r in records), "the real Stripe events are replayed"
    logs = world.sf.query("SELECT stripeGC__Action_Taken__c, stripeGC__Error_Details__c FROM stripeGC__Sync_Log__c")[
        "records"
    ]
    assert sorted(log["stripeGC__Action_Taken__c"] for log in logs) == [
        "Reconcile: replayed invoice.paid",
        "Reconcile: replayed invoice.voided",
    ]
    world.advance()  # Flow 4's Stripe path
    assert world.get(paid_opp)["Stripe_Payment_Status__c"] == "Paid"
    assert world.get(paid_opp)["StageName"] == "Closed Won"
    assert world.get(void_opp)["Stripe_Payment_Status__c"] == "Void"
    assert reconcile(world.sf, world.stripe, FACTS).differences == 0
    # The endpoint comes back and Stripe's late delivery is the same event: stored once, no change.
    world.webhooks(enabled=True)


def test_orphan_invoice_is_attributed_and_missing_invoice_confirmed(world) -> None:
    opp, _ = world.invoiced("Spring Gala")
    customer = world.stripe.v1.customers.create({"email": "x@example.org"})
    stray = world.stripe.v1.invoices.create(
        {
            "customer": customer.id,
            "description": "Invoice for Spring Gala",
            "collection_method": "send_invoice",
            "days_until_due": 30,
        }
    )
    world.stripe.v1.invoice_items.create(
        {"customer": customer.id, "invoice": stray.id, "amount": 25000, "currency": "usd"}
    )
    world.stripe.v1.invoices.finalize_invoice(stray.id)
    lonely = world.opportunity("Autumn Dinner")
    world.sf.Opportunity.update(lonely, {"Stripe_Invoice_ID__c": "in_doesnotexist000000"})
    result = reconcile(world.sf, world.stripe, FACTS)
    by_kind = {f.kind: f for f in result.findings}
    assert by_kind[Kind.DUPLICATE_OPEN].invoice_id == stray.id
    assert by_kind[Kind.DUPLICATE_OPEN].opportunity_id == opp, by_kind[Kind.DUPLICATE_OPEN].detail
    assert by_kind[Kind.MISSING_IN_STRIPE].opportunity_id == lonely
    assert not any(f.fixable for f in result.findings)


def test_pages_on_both_sides_and_rate_limits(world) -> None:
    from stripesim.running import SimAdmin

    # 230 Opportunities with invoices (bulk, flows leave pre-invoiced records alone) over SOQL
    # batches of 200, and 230 invoices over Stripe pages of 100.
    customer = world.stripe.v1.customers.create({"email": "bulk@example.org"})
    rows = []
    for i in range(230):
        inv = world.stripe.v1.invoices.create(
            {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
        )
        rows.append(
            {
                "attributes": {"type": "Opportunity"},
                "Name": f"Bulk {i}",
                "StageName": "Prospecting",
                "CloseDate": "2026-12-31",
                "Amount": 0,
                "Stripe_Invoice_ID__c": inv.id,
                "Stripe_Payment_Status__c": "Open",
            }
        )
    for start in range(0, len(rows), 200):
        saved = world.sf.restful(
            "composite/sobjects", method="POST", json={"allOrNone": True, "records": rows[start : start + 200]}
        )
        assert all(r["success"] for r in saved), saved[:2]
    world.sf.headers["Sforce-Query-Options"] = "batchSize=200"
    admin = SimAdmin(world.sim.base_url, world.sim.api_key)
    admin.add_fault(method="GET", path="/v1/invoices", fault="429", count=2)
    try:
        result = reconcile(world.sf, world.stripe, FACTS)
    finally:
        admin.close()
    assert result.org_rows == 230 and result.stripe_rows == 230
    assert result.counts["in_sync"] == 230, result.counts
