from harness.scenario import Scenario, register
from harness.scenarios._headroom import note_headroom
from harness.targets.base import Capability

BATCH = 200


@register
class Bulk200(Scenario):
    name = "bulk-200"
    number = 13
    title = "Bulk: 200 Opportunities in one API call"
    description = (
        "200 eligible Opportunities inserted in one sObject Collections call get 200 distinct invoices; "
        "no transaction exceeds a governor limit and no interview fails."
    )

    def steps(self, ctx) -> str:
        spec = ctx.spec
        before = self._marks(ctx)
        accounts = ctx.org.insert_collection(
            "Account", [{"Name": ctx.unique_name("bulk-account")} for _ in range(BATCH)]
        )
        bad = [r for r in accounts if not r.get("success")]
        ctx.check(not bad, f"{len(bad)} of {BATCH} Accounts were not inserted: {bad[:1]}")
        amounts = [spec.amount(i) for i in range(BATCH)]
        today = ctx.org.server_now.date()
        records = [ctx.org.opportunity_record(a["id"], amount, today=today) for a, amount in zip(accounts, amounts)]
        import time

        started = time.monotonic()
        results = ctx.org.insert_collection("Opportunity", records)
        ctx.timing("insert of 200 Opportunities (one API call)", time.monotonic() - started)
        bad = [r for r in results if not r.get("success")]
        ctx.check(
            not bad, f"{len(bad)} of {BATCH} Opportunities failed to insert: {bad[0].get('errors') if bad else ''}"
        )
        ids = [r["id"] for r in results]
        ctx.note("salesforce", "Opportunities", f"{ids[0]} ... {ids[-1]} ({len(ids)})")
        # Each Opportunity's payer, as primary contact: added within the minute before the
        # flows' Stripe path runs.
        ctx.org.add_payers(ids, [ctx.org.payer_address() for _ in ids])

        progress = {"done": 0, "missing": ids[0]}

        wanted = set(ids)

        def all_invoiced():
            self._fail_fast_on_failed_interviews(ctx, before, wanted)
            rows = ctx.org.opportunities(ids)
            self._fail_fast_on_invoicing_errors(ctx, rows)
            done = [r for r in rows if r.get(spec.invoice_id_field)]
            progress["done"] = len(done)
            missing = [r["Id"] for r in rows if not r.get(spec.invoice_id_field)]
            progress["missing"] = missing[0] if missing else None
            return rows if len(done) == BATCH else None

        def observed() -> str:
            first = progress["missing"]
            return f"{progress['done']} of {BATCH} invoiced" + (
                f"; e.g. {first}: {ctx.org.explain_no_invoice(first)}" if first else ""
            )

        rows = ctx.wait_for(
            all_invoiced,
            timeout=ctx.budgets.invoice_seconds * 6,
            observed=observed,
            progress=lambda: f"{progress['done']} of {BATCH} invoiced",
            what=f"all {BATCH} Opportunities with an invoice id",
            timing="200 Opportunities -> 200 invoice ids",
        )
        invoice_by_opp = {r["Id"]: r[spec.invoice_id_field] for r in rows}
        distinct = set(invoice_by_opp.values())
        ctx.check(len(distinct) == BATCH, f"{BATCH} Opportunities share {len(distinct)} invoice ids")
        expected = {
            invoice_by_opp[opp_id]: (opp_id, spec.amount_in_minor_units(amount)) for opp_id, amount in zip(ids, amounts)
        }
        seen = {}
        # Newest first: the 200 just created come in the first pages; stop once all are seen.
        for invoice in ctx.stripe_side.listing("/v1/invoices", {"limit": 100}):
            if invoice["id"] in expected:
                seen[invoice["id"]] = invoice
                if len(seen) == len(expected):
                    break
        missing = sorted(set(expected) - set(seen))
        ctx.check(not missing, f"{len(missing)} invoice ids on Opportunities are unknown to Stripe, e.g. {missing[:3]}")
        for invoice_id, invoice in seen.items():
            opp_id, amount_due = expected[invoice_id]
            ctx.check(
                invoice["amount_due"] == amount_due and invoice["status"] == "open",
                f"invoice {invoice_id} of {opp_id}: {invoice['status']} {invoice['amount_due']}, expected open {amount_due}",
            )
        ctx.note("stripe", "Invoices", f"{len(distinct)} distinct, all open with the right amounts")
        return self._limits(ctx, before) + f"; {BATCH} distinct open invoices"

    @staticmethod
    def _fail_fast_on_failed_interviews(ctx, before: tuple[int, int], wanted: set[str]) -> None:
        """A failed interview for one of our records will never produce its invoice: say so now."""
        if Capability.LIMITS not in ctx.target.capabilities:
            return
        failed = [f for f in ctx.target.failed_interviews(since=before[1]) if f.get("record_id") in wanted]
        if failed:
            messages = sorted({f"{f['flow']}.{f['path']}: {f['message']}" for f in failed})
            ctx.fail(f"{len(failed)} of {len(wanted)} flow interviews failed: {'; '.join(messages[:3])}")

    @staticmethod
    def _fail_fast_on_invoicing_errors(ctx, rows: list[dict]) -> None:
        """An Opportunity whose invoicing error field is set was given up on: fail now, with the org's message."""
        field = ctx.spec.invoicing_error_field
        errored = [r for r in rows if r.get(field)]
        if errored:
            first = errored[0]["Id"]
            ctx.fail(
                f"{len(errored)} of {len(rows)} Opportunities record an invoicing error, e.g. {first}: "
                f"{errored[0][field]!r}; {ctx.org.explain_no_invoice(first)}"
            )

    @staticmethod
    def _marks(ctx) -> tuple[int, int]:
        """Sequence numbers of the last transaction and failed interview before the bulk load."""
        if Capability.LIMITS not in ctx.target.capabilities:
            return (0, 0)
        transactions = ctx.target.limits_usage(last=1)["transactions"]
        failed = ctx.target.failed_interviews(last=1)
        return (max((t["seq"] for t in transactions), default=0), max((f["seq"] for f in failed), default=0))

    def _limits(self, ctx, before: tuple[int, int]) -> str:
        if Capability.LIMITS not in ctx.target.capabilities:
            note_headroom(ctx, 0)
            return "governor usage not observable on this target"
        usage = ctx.target.limits_usage(since=before[0])
        transactions = usage["transactions"]
        failed = ctx.target.failed_interviews(since=before[1])
        ctx.check(not failed, f"{len(failed)} flow interviews failed, first: {failed[0] if failed else ''}")
        ctx.check(bool(transactions), "the org recorded no transaction for the bulk load")
        counters = ("soql", "dml", "dml_rows", "callouts")
        limits = usage["limits"]
        peaks = {key: max(t[key] for t in transactions) for key in counters}
        over = {k: f"{v} > {limits[k]}" for k, v in peaks.items() if v > limits[k]}
        bad = [t for t in transactions if t.get("outcome") != "committed"]
        ctx.check(not over, f"transactions exceeded governor limits: {over}")
        ctx.check(
            not bad,
            f"{len(bad)} transactions did not commit: " + "; ".join(f"{t['label']}: {t['outcome']}" for t in bad[:3]),
        )
        summary = ", ".join(f"{k} {peaks[k]}/{limits[k]}" for k in counters)
        ctx.note("limits", f"Peak per transaction over {len(transactions)} transactions", summary)
        note_headroom(ctx, before[0])
        return f"no limit exceeded over {len(transactions)} transactions (peak {summary})"
