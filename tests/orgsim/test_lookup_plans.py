"""Issue 17: no lookup whose cost grows with the org's data. Every statement the org runs for
the generated flows (queued work, outbox, flow Get Records, event intake) is planned by SQLite
as an index search, never a scan of a table that grows with the records; statements that name a
record search by it."""

from __future__ import annotations

import re

import pytest
from test_generated_flows import STRIPE_ACCOUNT_NAME, add_payer, deliver_events, opp, run_stripe_paths

from orgsim.storage.predicate import Compare
from tests.orgsim.sql_trace import query_plan, traced

ELIGIBLE = "Proposal/Price Quote"
GROWING = ("_work", "_outbox", "Opportunity", "Contact", "OpportunityContactRole", "stripeGC__Stripe_Event__c")


@pytest.fixture
def world(generated):
    generated.insert("stripeGC__Stripe_Account__c", [{"Name": STRIPE_ACCOUNT_NAME}])
    return generated, generated.insert("Account", [{"Name": "Hartford Youth Choir"}])[0].id


@pytest.fixture
def stripe_client(sim):
    return sim.stripe_client()


def _captured(org, action) -> list[str]:
    return traced(org, action)[1]


def _plan(org, sql: str) -> list[str]:
    if not re.match(r"\s*(SELECT|UPDATE|DELETE)\b", sql, re.I):
        return []
    return query_plan(org, sql)


def test_flow_and_queue_statements_search_by_index(world, stripe_client):
    org, account = world

    def bulk() -> None:
        ids = [
            r.id
            for r in org.insert(
                "Opportunity",
                [opp(f"Gift {i}", ELIGIBLE, 100 + i, AccountId=account) for i in range(5)],
            )
        ]
        for rid in ids:
            add_payer(org, rid, account)
        run_stripe_paths(org)
        org.update("Opportunity", [{"Id": ids[0], "Amount": 999}])
        run_stripe_paths(org)
        invoice = org.select("Opportunity", ["Stripe_Invoice_ID__c"], Compare("Id", "=", ids[1]))[0]
        stripe_client.v1.invoices.pay(invoice["Stripe_Invoice_ID__c"], {"payment_method": "pm_card_visa"})
        deliver_events(org, stripe_client, ("invoice.paid",))

    statements = _captured(org, bulk)
    checked = 0
    for sql in statements:
        plan = _plan(org, sql)
        for table in GROWING:
            if re.search(rf'\b(FROM|UPDATE)\s+"?{re.escape(table)}"?\b', sql):
                checked += 1
                assert not any(re.match(rf'SCAN "?{re.escape(table)}"?( |$)', step) for step in plan), (sql, plan)
        if re.search(r"\brecord_id = ", sql):
            assert any("record_id=?" in step for step in plan), (sql, plan)
    assert checked > 50  # the scenario did run the flows' statements


def test_batches_due_at_the_same_time_store_the_clock_once(world):
    """The queue runner steps the clock to each batch's due time; the create path runs one
    Opportunity per transaction, so five Opportunities saved together are five batches due at
    the same instant. The clock is stored when it moves (and stays right), not again per batch."""
    org, account = world
    ids = [
        r.id
        for r in org.insert("Opportunity", [opp(f"Gift {i}", ELIGIBLE, 100 + i, AccountId=account) for i in range(5)])
    ]
    for rid in ids:
        add_payer(org, rid, account)
    statements = _captured(org, lambda: run_stripe_paths(org))
    clock_writes = [s for s in statements if s.startswith("INSERT INTO _meta") and "'clock_now'" in s]
    assert sum("Stripe_Path" in s for s in statements if s.startswith("INSERT INTO _transactions")) == 5
    assert len(clock_writes) == 2  # to the batches' due time, then to the advance's target
    assert org.store.meta_get("clock_now") == org.clock.now().isoformat()


def _indexes_on(org, table: str, column: str) -> list[str]:
    conn = org.store.conn
    return [
        name
        for _, name, *_ in conn.execute(f'PRAGMA index_list("{table}")')
        if [row[2] for row in conn.execute(f'PRAGMA index_info("{name}")')] == [column]
    ]


def test_a_lookup_by_an_external_id_adds_no_second_index(world):
    """Unique and external ID fields are indexed when their column is made; the index a lookup
    by value makes on first use would be the same B-tree again, written on every save of the
    field (the invoice id is written for every invoice)."""
    org, account = world
    saved = org.insert("Opportunity", [opp("Gift", "Prospecting", 100, AccountId=account)])[0]
    org.update("Opportunity", [{"Id": saved.id, "Stripe_Invoice_ID__c": "in_123"}])
    assert org.select("Opportunity", ["Id"], Compare("Stripe_Invoice_ID__c", "=", "IN_123")) == [{"Id": saved.id}]
    assert len(_indexes_on(org, "Opportunity", "Stripe_Invoice_ID__c")) == 1
    assert org.select("User", ["Id"], Compare("Username", "=", "nobody@example.org")) == []
    assert len(_indexes_on(org, "User", "Username")) == 1
