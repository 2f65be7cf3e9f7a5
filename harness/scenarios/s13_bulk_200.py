from decimal import Decimal

from harness.scenario import Scenario, register

BATCH = 200


@register
class Bulk200(Scenario):
    name = "bulk-200"
    number = 13
    title = "Bulk: 200 Opportunities in one API call"
    description = ("200 eligible Opportunities inserted in one sObject Collections call get 200 distinct invoices; "
                   "no transaction exceeds a governor limit and no interview fails.")

    def steps(self, ctx) -> str:
        spec = ctx.spec
        accounts = ctx.org.insert_collection("Account", [{"Name": ctx.unique_name("bulk-account")} for _ in range(BATCH)])
        bad = [r for r in accounts if not r.get("success")]
        ctx.check(not bad, f"{len(bad)} of {BATCH} Accounts were not inserted: {bad[:1]}")
        amounts = [Decimal(100 + i) for i in range(BATCH)]
        records = [ctx.org.opportunity_record(a["id"], amount) for a, amount in zip(accounts, amounts)]
        import time

        started = time.monotonic()
        results = ctx.org.insert_collection("Opportunity", records)
        ctx.timing("insert of 200 Opportunities (one API call)", time.monotonic() - started)
        bad = [r for r in results if not r.get("success")]
        ctx.check(not bad, f"{len(bad)} of {BATCH} Opportunities failed to insert: {bad[0].get('errors') if bad else ''}")
        ids = [r["id"] for r in results]
        ctx.note("salesforce", "Opportunities", f"{ids[0]} ... {ids[-1]} ({len(ids)})")

        def all_invoiced():
            rows = ctx.org.opportunities(ids)
            done = [r for r in rows if r.get(spec.invoice_id_field)]
            return rows if len(done) == BATCH else None

        rows = ctx.wait_for(all_invoiced, timeout=ctx.budgets.invoice_seconds * 6,
                            what=f"all {BATCH} Opportunities with an invoice id", timing="200 Opportunities -> 200 invoice ids")
        invoice_by_opp = {r["Id"]: r[spec.invoice_id_field] for r in rows}
        distinct = set(invoice_by_opp.values())
        ctx.check(len(distinct) == BATCH, f"{BATCH} Opportunities share {len(distinct)} invoice ids")
        expected = {opp_id: spec.amount_in_minor_units(amount) for opp_id, amount in zip(ids, amounts)}
        for opp_id, invoice_id in invoice_by_opp.items():
            invoice = ctx.stripe_side.invoice(invoice_id)
            ctx.check(invoice.amount_due == expected[opp_id] and invoice.status == "open",
                      f"invoice {invoice_id} of {opp_id}: {invoice.status} {invoice.amount_due}, expected open {expected[opp_id]}")
        ctx.note("stripe", "Invoices", f"{len(distinct)} distinct, all open with the right amounts")
        return self._limits(ctx) + f"; {BATCH} invoices"

    def _limits(self, ctx) -> str:
        from harness.targets.base import Capability

        if Capability.LIMITS not in ctx.target.capabilities:
            return "governor usage not observable on this target"
        usage = ctx.target.limits_usage()
        failed = ctx.target.failed_interviews()
        ctx.check(not failed, f"{len(failed)} flow interviews failed, first: {failed[0]}" if failed else "")
        peaks = {key: max((u.get(key, 0) for u in usage), default=0) for key in ("soql", "dml", "dml_rows", "callouts")}
        limits = {"soql": 100, "dml": 150, "dml_rows": 10000, "callouts": 100}
        over = {k: v for k, v in peaks.items() if v > limits[k]}
        ctx.check(not over, f"transactions exceeded governor limits: {over}")
        summary = ", ".join(f"{k} {peaks[k]}/{limits[k]}" for k in limits)
        ctx.note("limits", "Peak per transaction", summary)
        return f"no limit exceeded (peak {summary})"
