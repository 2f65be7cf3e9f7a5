"""Steps the flow behaviour tests share: records as an admin would create them, and the checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from orgsim import Clock, Compare, Org, StripeConfig

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)

STRIPE_ACCOUNT = "CT Nonprofit Alliance"  # specs/ct-nonprofit.yml
ELIGIBLE = "Proposal/Price Quote"
OPP_FIELDS = [
    "Stripe_Invoice_ID__c",
    "Stripe_Invoice_URL__c",
    "Stripe_Payment_Status__c",
    "Stripe_Previous_Invoice_ID__c",
    "Stripe_Payer_Email__c",
    "Stripe_Invoicing_Error__c",
    "Stripe_Retry_Invoicing__c",
    "Stripe_Invoicing_Attempt__c",
    "Stripe_Invoiced_Amount__c",
    "StageName",
    "Amount",
]
STRIPE_PATH_MINUTES = 1  # the generated flows' Stripe path runs 1 minute after the save


def open_org(sim, root: Path) -> Org:
    """An in-memory org on a frozen clock, connected to the running stripesim, with `root` deployed."""
    org = Org.open(":memory:", clock=Clock(START), stripe=StripeConfig(api_base=sim.base_url, api_key=sim.api_key))
    org.deploy_source(root)
    return org


def setup(org: Org) -> None:
    org.insert("stripeGC__Stripe_Account__c", [{"Name": STRIPE_ACCOUNT}])


def account(org: Org, name: str = "Hartford Youth Choir", customer_id: str | None = None) -> str:
    values: dict[str, Any] = {"Name": name}
    if customer_id:
        values["stripeGC__Customer_Id__c"] = customer_id
    result = org.insert("Account", [values])[0]
    assert result.success, result.errors
    return result.id


def opportunity(
    org: Org,
    account_id: str | None,
    amount: Any = 250,
    stage: str = ELIGIBLE,
    name: str = "Spring Gala",
    payer: str | None = "payer@example.org",
) -> str:
    """An Opportunity and, when `payer` is given, a primary contact role with that email (added
    in the same minute, before the Stripe path runs)."""
    values = {"Name": name, "StageName": stage, "CloseDate": "2026-12-31", "Amount": amount}
    if account_id:
        values["AccountId"] = account_id
    result = org.insert("Opportunity", [values])[0]
    assert result.success, result.errors
    if payer is not None:
        add_payer(org, result.id, account_id, payer)
    return result.id


def add_payer(org: Org, opp_id: str, account_id: str | None, email: str | None) -> str:
    contact = {"LastName": "Payer", "Email": email}
    if account_id:
        contact["AccountId"] = account_id
    contact_id = org.insert("Contact", [contact])[0].id
    assert org.insert(
        "OpportunityContactRole", [{"OpportunityId": opp_id, "ContactId": contact_id, "IsPrimary": True}]
    )[0].success
    return contact_id


def run_stripe_paths(org: Org) -> None:
    """Let the scheduled Stripe paths fall due (they run STRIPE_PATH_MINUTES after the save)."""
    org.clock.advance(minutes=STRIPE_PATH_MINUTES + 1)


def get(org: Org, opp_id: str) -> dict:
    return org.retrieve("Opportunity", opp_id, OPP_FIELDS)


def sync_logs(org: Org, record_id: str | None = None) -> list[dict]:
    rows = org.select(
        "stripeGC__Sync_Log__c",
        ["stripeGC__Action_Taken__c", "stripeGC__Message__c", "stripeGC__Error_Details__c"],
        order_by=[("Name", "ASC")],
    )
    if record_id:
        rows = [r for r in rows if record_id in (r["stripeGC__Error_Details__c"] or "")]
    return rows


def invoices(client, **params: Any) -> list:
    return list(client.v1.invoices.list({"limit": 100, **params}).auto_paging_iter())


def retry(org: Org, opp_id: str) -> None:
    assert org.update("Opportunity", [{"Id": opp_id, "Stripe_Retry_Invoicing__c": True}])[0].success
    run_stripe_paths(org)


def invoiced_count(org: Org) -> int:
    return org.count("Opportunity", Compare("Stripe_Invoice_ID__c", "!=", None))
