"""Issue 12, defect 7: the Account's Stripe customer is retrieved before invoicing; a deleted
customer, or one without email, is replaced (default) or logged (`invoicing.unusable_customer:
log`). Also the spec's fallback payer email field (`invoicing.payer_email_field`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flows_world import account, get, invoices, open_org, opportunity, retry, run_stripe_paths, setup, sync_logs


@pytest.mark.parametrize("broken", ["deleted", "no_email"])
def test_unusable_customer_is_replaced_with_the_payers_email(org, stripe_client, broken):
    setup(org)
    old = stripe_client.v1.customers.create(
        {"name": "Old", **({"email": "old@example.org"} if broken == "deleted" else {})}
    ).id
    if broken == "deleted":
        stripe_client.v1.customers.delete(old)
    acc = account(org, customer_id=old)
    opp_id = opportunity(org, acc, payer="payer@example.org")
    run_stripe_paths(org)
    row = get(org, opp_id)
    invoice = stripe_client.v1.invoices.retrieve(row["Stripe_Invoice_ID__c"])
    assert invoice.customer != old and invoice.customer_email == "payer@example.org"
    assert org.retrieve("Account", acc, ["stripeGC__Customer_Id__c"])["stripeGC__Customer_Id__c"] == invoice.customer
    assert sync_logs(org) == [] and org.failed_interviews() == []


def test_usable_existing_customer_is_reused(org, stripe_client):
    setup(org)
    existing = stripe_client.v1.customers.create({"name": "Kept", "email": "ap@example.org"}).id
    acc = account(org, customer_id=existing)
    opp_id = opportunity(org, acc, payer="payer@example.org")
    run_stripe_paths(org)
    row = get(org, opp_id)
    assert stripe_client.v1.invoices.retrieve(row["Stripe_Invoice_ID__c"]).customer == existing
    assert row["Stripe_Payer_Email__c"] == "ap@example.org"  # the address Stripe sends to
    assert len(list(stripe_client.v1.customers.list().data)) == 1


@pytest.fixture
def variant_org(sim, tmp_path):
    """The default spec with `unusable_customer: log` and the Opportunity's payer email field as
    the fallback payer email (an admin can type it in)."""
    from generator.output import write_tree
    from generator.render import render
    from generator.spec.loader import load_spec
    from sfpay.paths import PROJECT_ROOT

    spec = load_spec(PROJECT_ROOT / "specs" / "ct-nonprofit.yml")
    spec = spec.model_copy(
        update={
            "invoicing": spec.invoicing.model_copy(
                update={"unusable_customer": "log", "payer_email_field": "Opportunity.Stripe_Payer_Email__c"}
            )
        }
    )
    (tmp_path / "sfdx-project.json").write_text((PROJECT_ROOT / "sfdx-project.json").read_text())
    write_tree(render(spec), tmp_path / "force-app")
    org = open_org(sim, Path(tmp_path))
    yield org
    org.close()


def test_unusable_customer_logged_when_the_spec_says_so(variant_org, stripe_client):
    org = variant_org
    setup(org)
    old = stripe_client.v1.customers.create({"name": "Gone", "email": "gone@example.org"}).id
    stripe_client.v1.customers.delete(old)
    opp_id = opportunity(org, account(org, customer_id=old), payer="payer@example.org")
    run_stripe_paths(org)
    assert get(org, opp_id)["Stripe_Invoice_ID__c"] is None and invoices(stripe_client) == []
    (log,) = sync_logs(org, opp_id)
    assert (
        log["stripeGC__Action_Taken__c"] == "Skipped: Stripe customer unusable" and old in log["stripeGC__Message__c"]
    )


def test_fallback_payer_email_field(variant_org, stripe_client):
    org = variant_org
    setup(org)
    opp_id = opportunity(org, account(org), payer=None)
    run_stripe_paths(org)
    assert "No payer email" in get(org, opp_id)["Stripe_Invoicing_Error__c"]
    org.update("Opportunity", [{"Id": opp_id, "Stripe_Payer_Email__c": "typed@example.org"}])
    retry(org, opp_id)
    (invoice,) = invoices(stripe_client)
    assert invoice.customer_email == "typed@example.org" and get(org, opp_id)["Stripe_Invoice_ID__c"] == invoice.id
