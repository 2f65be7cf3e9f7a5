"""Issue 12 defect 1: mixed bulk batches of the generated flows, with orgsim serving bulkified
interviews in the order that hurts.

Salesforce Help, "Flow Bulkification in Transactions"
(https://help.salesforce.com/s/articleView?id=platform.flow_concepts_bulkification.htm&type=5):
interviews waiting at the same element are served together; the order in which groups waiting
at *different* elements are served is not documented. orgsim serves a DML group before a callout
group (orgsim/flows/interpreter.py), so a flow that lets one interview write while another still
has to call Stripe fails here as it can in a real org.

These tests assert the behaviour a correct flow must have (every good record invoiced exactly
once, every bad one with a Sync Log). The flows before issue 12 failed them; the rewritten flows
run their Stripe work on a scheduled path (1 minute after the save, batch size 1), and stop
before Stripe without a payer email, so each record gets a payer and the clock moves on.
"""

from __future__ import annotations

import pytest
from orgsim_helpers import opp

from orgsim import Compare

STRIPE_ACCOUNT_NAME = "CT Nonprofit Alliance"  # spec default (specs/ct-nonprofit.yml)
ELIGIBLE = "Proposal/Price Quote"


def settle(org, opportunity_ids: list[str]) -> None:
    """Each Opportunity's payer (primary contact with an email), then the Stripe path's minute."""
    for rid in opportunity_ids:
        contact = org.insert("Contact", [{"LastName": "Payer", "Email": "payer@example.org"}])[0].id
        org.insert("OpportunityContactRole", [{"OpportunityId": rid, "ContactId": contact, "IsPrimary": True}])
    org.clock.advance(minutes=2)


@pytest.fixture
def org(generated):
    generated.insert("stripeGC__Stripe_Account__c", [{"Name": STRIPE_ACCOUNT_NAME}])
    return generated


@pytest.fixture
def stripe_client(sim):
    return sim.stripe_client()


def invoice_ids(org, ids: list[str]) -> list[str | None]:
    return [org.retrieve("Opportunity", rid, ["Stripe_Invoice_ID__c"])["Stripe_Invoice_ID__c"] for rid in ids]


def stripe_invoices(client) -> list:
    return list(client.v1.invoices.list({"limit": 100}).data)


def assert_invoiced_exactly_once(org, client, good: list[str]) -> None:
    ids = invoice_ids(org, good)
    assert None not in ids, (
        f"not invoiced: {[g for g, i in zip(good, ids) if i is None]}; failed: {org.failed_interviews()}"
    )
    in_stripe = [inv.id for inv in stripe_invoices(client)]
    assert sorted(in_stripe) == sorted(ids), "each good record must have exactly one Stripe invoice"


def sync_log_count(org) -> int:
    return org.count("stripeGC__Sync_Log__c")


def test_opportunity_without_account_saved_with_two_good_ones(org, stripe_client):
    acc1, acc2 = (
        r.id for r in org.insert("Account", [{"Name": "Hartford Youth Choir"}, {"Name": "New Haven Food Bank"}])
    )
    results = org.insert(
        "Opportunity",
        [
            opp("Gala", ELIGIBLE, 250, AccountId=acc1),
            opp("No account", ELIGIBLE, 100),
            opp("Drive", ELIGIBLE, 300, AccountId=acc2),
        ],
    )
    assert all(r.success for r in results), [r.errors for r in results]
    settle(org, [r.id for r in results])
    good, bad = [results[0].id, results[2].id], results[1].id
    assert_invoiced_exactly_once(org, stripe_client, good)
    assert invoice_ids(org, [bad]) == [None] and sync_log_count(org) == 1


def test_returning_customer_saved_before_a_new_one(org, stripe_client):
    returning, new = (
        r.id for r in org.insert("Account", [{"Name": "Hartford Youth Choir"}, {"Name": "New Haven Food Bank"}])
    )
    first = org.insert("Opportunity", [opp("Spring Gala", ELIGIBLE, 250, AccountId=returning)])[0].id
    settle(org, [first])
    assert invoice_ids(org, [first]) != [None]
    assert org.retrieve("Account", returning, ["stripeGC__Customer_Id__c"])["stripeGC__Customer_Id__c"]
    results = org.insert(
        "Opportunity",
        [opp("Autumn Gala", ELIGIBLE, 400, AccountId=returning), opp("First gift", ELIGIBLE, 150, AccountId=new)],
    )
    assert all(r.success for r in results), [r.errors for r in results]
    settle(org, [r.id for r in results])
    assert_invoiced_exactly_once(org, stripe_client, [first, results[0].id, results[1].id])
    assert sync_log_count(org) == 0
    assert org.count("Opportunity", Compare("Stripe_Invoice_ID__c", "=", None)) == 0
