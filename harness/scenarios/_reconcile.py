"""Steps the reconcile scenarios share: a webhook endpoint switched off the way Stripe switches
it off, and `sfpay reconcile` run as the on-call admin runs it (its command line, JSON output)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.context import ScenarioContext


def org_name(ctx: ScenarioContext) -> str:
    """The CumulusCI org reconcile connects to: the local stack's `local`, or the sandbox's --org."""
    if ctx.target.name == "local":
        return "local"
    name = getattr(getattr(ctx.target, "settings", None), "org_name", None)
    if not name:
        ctx.skip("sfpay reconcile connects through a CumulusCI org: run verify with --org")
    return name


@contextlib.contextmanager
def webhooks_disabled(ctx: ScenarioContext) -> Iterator[str]:
    """Disable the org's Stripe webhook endpoint (as Stripe does once its retries run out:
    https://docs.stripe.com/webhooks#retries) and enable it again afterwards."""
    webhook = ctx.connection.webhook
    if webhook is None:
        ctx.skip("the org's webhook URL is not known (sandbox: --webhook-url)")
    endpoints = [
        e for e in ctx.stripe.v1.webhook_endpoints.list({"limit": 100}).auto_paging_iter() if e.url == webhook.url
    ]
    if not endpoints:
        ctx.skip(f"no Stripe webhook endpoint for {webhook.url}")
    ids = [e.id for e in endpoints if e.status == "enabled"]
    for endpoint_id in ids:
        ctx.stripe.v1.webhook_endpoints.update(endpoint_id, {"disabled": True})
    ctx.note("stripe", "Webhook endpoint disabled", ", ".join(ids))
    try:
        yield ", ".join(ids)
    finally:
        for endpoint_id in ids:
            ctx.stripe.v1.webhook_endpoints.update(endpoint_id, {"disabled": False})


def run_reconcile(ctx: ScenarioContext, invoice_id: str, *, apply: bool = False) -> tuple[int, dict[str, Any]]:
    """`sfpay reconcile --org ... --invoice ID --format json [--apply]`: (exit code, its JSON)."""
    from harness.in_process import run_operate
    from harness.stack import project_folder

    args = [
        "reconcile",
        "--org",
        org_name(ctx),
        "--spec",
        ctx.spec.spec_path,
        "--invoice",
        invoice_id,
        "--format",
        "json",
    ] + (["--apply"] if apply else [])
    # The local stack's Stripe (the sandbox's comes from the environment verify runs in).
    stack = getattr(ctx.target, "stack", None)
    env = {"STRIPE_API_KEY": stack.api_key, "STRIPE_API_BASE": stack.api_base} if stack else None
    result = run_operate(args, cwd=project_folder(), env=env)
    shown = "sfpay " + " ".join(args)
    if result.returncode not in (0, 1):
        ctx.fail(f"`{shown}` exited {result.returncode}: {ctx.redact(result.stderr.strip()[-1500:])}")
    try:
        report = json.loads(result.stdout)
    except ValueError:
        ctx.fail(f"`{shown}` printed no JSON: {ctx.redact(result.stdout[:500])}")
    ctx.note("note", shown, f"exit {result.returncode}, {report['differences']} difference(s), mode {report['mode']}")
    return result.returncode, report


def finding(report: dict[str, Any], invoice_id: str, kind: str) -> dict[str, Any] | None:
    return next((f for f in report["findings"] if f["invoice_id"] == invoice_id and f["kind"] == kind), None)


def void_value(ctx: ScenarioContext) -> str:
    from generator.spec.loader import load_spec

    return load_spec(__import__("pathlib").Path(ctx.spec.spec_path)).fields.payment_status.void


def missed_then_reconciled(ctx: ScenarioContext, change: str) -> str:
    """The invoice changes in Stripe while the endpoint is disabled (`change`: pay or void);
    reconcile finds the stale status read-only, `--apply` replays the event, Flow 4 applies it."""
    from harness.scenarios._steps import invoiced_opportunity

    spec = ctx.spec
    since = ctx.org.server_now
    inv = invoiced_opportunity(ctx)
    expected = spec.status_paid if change == "pay" else void_value(ctx)
    stripe_status = "paid" if change == "pay" else "void"
    with webhooks_disabled(ctx):
        if change == "pay":
            succeeded, detail = ctx.stripe_side.pay(inv.invoice_id, "pm_card_visa")
            ctx.check(succeeded, f"paying {inv.invoice_id} failed: {detail}")
        else:
            ctx.stripe.v1.invoices.void_invoice(inv.invoice_id)  # as the Dashboard's "Void invoice" does
        before = inv.opportunity.get(spec.status_field)
        ctx.hold(
            lambda: ctx.org.opportunity(inv.opportunity_id).get(spec.status_field) == expected,
            what=f"{inv.opportunity_id} became {expected} with the webhook endpoint disabled",
        )

        code, report = run_reconcile(ctx, inv.invoice_id)
        stale = finding(report, inv.invoice_id, "status_stale")
        if code != 1 or stale is None or not stale["fixable"]:
            ctx.fail(
                f"read-only reconcile did not report {inv.invoice_id} as a fixable stale status: "
                f"exit {code}, {report['findings']}"
            )
        ctx.check(stale["stripe_status"] == stripe_status, f"reconcile saw Stripe status {stale['stripe_status']!r}")
        ctx.check(report["mode"] == "read-only" and not stale["applied"], "the read-only run applied something")
        ctx.check(
            ctx.org.opportunity(inv.opportunity_id).get(spec.status_field) == before,
            "the read-only run changed the Opportunity",
        )

        _, applied = run_reconcile(ctx, inv.invoice_id, apply=True)
        fixed = finding(applied, inv.invoice_id, "status_stale")
        if fixed is None or not fixed["applied"].startswith("replayed"):
            ctx.fail(f"--apply did not replay the event: {fixed}")
        ctx.note("salesforce", "Fix", fixed["applied"])
        # Still disabled: only the replayed event can bring the status.
        opp = ctx.org.wait_for_status(
            inv.opportunity_id, expected, before=before, timing="--apply -> status on the Opportunity"
        )
    if change == "pay":
        ctx.check(
            opp["StageName"] == spec.won_stage,
            f"Paid but the stage is {opp['StageName']!r}, expected {spec.won_stage!r}",
        )
    logs = [
        log
        for log in ctx.org.sync_logs_mentioning(inv.opportunity_id, since)
        if str(log.get(f"{spec.namespace}__Action_Taken__c", "")).startswith("Reconcile:")
    ]
    ctx.check(len(logs) == 1, f"expected one reconcile Sync Log naming {inv.opportunity_id}, found {len(logs)}")
    code, after = run_reconcile(ctx, inv.invoice_id)
    ctx.check(code == 0, f"reconcile still finds differences after the fix: {after['findings']}")
    return (
        f"{inv.invoice_id} {stripe_status} in Stripe with the endpoint disabled: reconcile reported it stale, "
        f"--apply replayed the event ({fixed['applied'].split(' as ')[0]}), the Opportunity is {expected}, one Sync Log"
    )
