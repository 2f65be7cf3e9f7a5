"""backfill against a real org server and stripesim over HTTP: Opportunities that existed before
go-live are invoiced through the update flow, in batches, and a run interrupted at any point
and run again never starts an Opportunity twice nor creates a second invoice."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from generator.spec.model import Spec
from operate.backfill.plan import MARKER, facts_from_spec
from operate.backfill.run import backfill
from operate.reconcile.run import Progress
from sfpay.paths import PROJECT_ROOT

FACTS = facts_from_spec(Spec())  # the default spec's names, stages and minimum
CREATE_FLOW = "Stripe_Invoice_On_Opportunity_Create"


def run(world, **options):
    settings = {"where": None, "dry_run": False, "batch_size": 50, "limit": None, "wait": 0.0}
    settings.update(options)
    return backfill(world.sf, FACTS, progress=Progress(), **settings)


def before_go_live(world, names: list[str]) -> list[str]:
    """Opportunities saved while the create flow was not active yet: eligible, no invoice."""
    world.org.set_flow_status(CREATE_FLOW, "Obsolete")
    try:
        return [world.opportunity(name) for name in names]
    finally:
        world.org.set_flow_status(CREATE_FLOW, "Active")


def test_interrupted_and_rerun_backfill_invoices_each_once(world) -> None:
    opps = before_go_live(world, ["Gala A", "Gala B", "Gala C"])
    ineligible = world.sf.Opportunity.create(
        {"Name": "Prospect", "StageName": "Prospecting", "CloseDate": "2026-12-31", "Amount": 500}
    )["id"]
    assert all(not world.get(o)["Stripe_Invoice_ID__c"] for o in opps)

    dry = run(world, dry_run=True)
    assert {r.id: r.outcome for r in dry.rows} == {o: "would queue" for o in opps}
    assert all(not world.get(o)["Stripe_Invoicing_Error__c"] for o in opps)  # nothing changed

    # A run that stopped between its two saves left the marker on the first one.
    world.sf.Opportunity.update(opps[0], {"Stripe_Invoicing_Error__c": MARKER})
    first = run(world, limit=2, batch_size=1)
    assert [(r.id, r.action, r.outcome) for r in first.rows if not r.outcome.startswith("not queued")] == [
        (opps[0], "trigger", "queued: the invoicing flow started"),
        (opps[1], "queue", "queued: the invoicing flow started"),
    ]
    assert first.remaining == 3

    # Run again before the flow's Stripe path ran: the two started ones are left alone.
    second = run(world)
    outcomes = {r.id: r.outcome for r in second.rows}
    assert outcomes[opps[0]].startswith("pending") and outcomes[opps[1]].startswith("pending")
    assert outcomes[opps[2]] == "queued: the invoicing flow started"
    assert ineligible not in outcomes

    world.advance()  # the Stripe path runs one minute after the save
    for opp in opps:
        record = world.get(opp)
        assert record["Stripe_Invoice_ID__c"], record
        assert not record["Stripe_Invoicing_Error__c"] and not record["Stripe_Retry_Invoicing__c"]
        account = record["AccountId"]
        customer = world.sf.Account.get(account)["stripeGC__Customer_Id__c"]
        invoices = world.stripe.v1.invoices.list({"customer": customer, "limit": 10}).data
        assert [i.id for i in invoices] == [record["Stripe_Invoice_ID__c"]]

    last = run(world)
    assert last.rows == [] and last.remaining == 0


def test_wait_settles_each_batch_before_the_next(world, monkeypatch) -> None:
    import operate.backfill.run as runner

    opps = before_go_live(world, ["Fair A", "Fair B"])
    monkeypatch.setattr(runner, "POLL_SECONDS", 0.05)
    # The org's clock moves only when advanced: each poll moves it, as time passes in a real org.
    real_query = world.sf.query_all

    def query_and_tick(soql, **kwargs):
        world.advance(minutes=1)
        return real_query(soql, **kwargs)

    monkeypatch.setattr(world.sf, "query_all", query_and_tick)
    result = run(world, batch_size=1, wait=30)
    assert [r.outcome.split(" ")[0] for r in result.rows] == ["invoiced", "invoiced"]
    assert result.remaining == 0 and result.stopped_early is None
    assert {r.invoice_id for r in result.rows} == {world.get(o)["Stripe_Invoice_ID__c"] for o in opps}


def test_a_flow_stop_is_reported_not_retried(world) -> None:
    (opp,) = before_go_live(world, ["Gala Stop"])
    world.sf.Opportunity.update(opp, {"Stripe_Invoicing_Error__c": "No payer email"})
    result = run(world)
    assert [(r.id, r.outcome) for r in result.rows] == [(opp, "needs attention: No payer email")]
    assert not world.get(opp)["Stripe_Retry_Invoicing__c"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--org", "prod", "--batch-size", "500"], "--batch-size 500"),
        (["--org", "prod", "--where", "Amount > 1; DELETE"], "without ';'"),
        (["--org", "no-such-org"], "cannot use CumulusCI org 'no-such-org'"),
    ],
)
def test_user_errors_exit_2_without_traceback(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sfpay", "backfill", *args],
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr
