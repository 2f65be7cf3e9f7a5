from decimal import Decimal
from typing import Any

from harness.scenario import Scenario, register
from harness.scenarios._headroom import note_headroom, transaction_mark
from harness.scenarios._steps import ineligible_stage
from harness.targets.base import Capability

# The mix of one bulk save (200 records, one API call).
MIX = {"new": 80, "existing": 40, "no_account": 20, "zero": 20, "ineligible": 20, "stripe_error": 20}


@register
class MixedBatch200(Scenario):
    name = "mixed-batch-200"
    number = 14
    title = "Bulk: 200 mixed Opportunities in one API call"
    description = (
        "One save of 200 Opportunities: new and returning customers, no Account, zero amounts, ineligible "
        "stages and Stripe errors (an Account whose customer id Stripe does not know). Every good record is "
        "invoiced exactly once; every bad one gets a Sync Log and an error on the record; the others get "
        "nothing. No record's failure or write breaks another's Stripe calls."
    )

    def steps(self, ctx) -> str:
        spec = ctx.spec
        kinds = [kind for kind, count in MIX.items() for _ in range(count)]
        mark = transaction_mark(ctx)
        existing = [ctx.stripe_side.create_customer() for _ in range(MIX["existing"])]
        # Every customer this check reads is created from here on (these, and the flows' new ones):
        # none of their invoices can be older than the first one.
        first_created = ctx.stripe.v1.customers.retrieve(existing[0]).created
        account_rows = []
        for i, kind in enumerate(kinds):
            row = {"Name": ctx.unique_name(f"mixed-{kind}")}
            if kind == "existing":
                row[spec.customer_id_field] = existing.pop()
            elif kind == "stripe_error":
                row[spec.customer_id_field] = f"cus_sfpaymissing{i:04d}"
            account_rows.append(row)
        accounts = ctx.org.insert_collection("Account", account_rows)
        ctx.check(all(a.get("success") for a in accounts), "not every Account was inserted")
        outside = ineligible_stage(ctx)
        records: list[dict[str, Any]] = []
        today = ctx.org.server_now.date()
        for kind, acc in zip(kinds, accounts):
            stage = outside if kind == "ineligible" else None
            amount = Decimal(0) if kind == "zero" else spec.amount(len(records))
            record = ctx.org.opportunity_record(acc["id"], amount, stage=stage, today=today)
            if kind == "no_account":
                record.pop("AccountId")
            records.append(record)
        since = ctx.org.server_now
        results = ctx.org.insert_collection("Opportunity", records)
        bad = [r for r in results if not r.get("success")]
        ctx.check(not bad, f"{len(bad)} Opportunities failed to insert: {bad[0].get('errors') if bad else ''}")
        ids = [r["id"] for r in results]
        ctx.org.add_payers(ids, [ctx.org.payer_address() for _ in ids])
        ctx.note(
            "salesforce",
            "Opportunities",
            f"{ids[0]} ... {ids[-1]} ({len(ids)}): " + ", ".join(f"{k} {v}" for k, v in MIX.items()),
        )

        good = {i for i, k in enumerate(kinds) if k in ("new", "existing")}
        failing = {i for i, k in enumerate(kinds) if k in ("no_account", "stripe_error")}

        progress = {"text": ""}

        def settled():
            rows = {r["Id"]: r for r in ctx.org.opportunities(ids)}
            done = sum(1 for i in good if rows[ids[i]].get(spec.invoice_id_field))
            errored = sum(1 for i in failing if rows[ids[i]].get(spec.invoicing_error_field))
            progress["text"] = f"{done} of {len(good)} invoiced, {errored} of {len(failing)} errors recorded"
            wrong = [i for i in good if rows[ids[i]].get(spec.invoicing_error_field)]
            if wrong:  # a good record given up on will never be invoiced: fail now, with the org's message
                ctx.fail(
                    f"{len(wrong)} Opportunities that should be invoiced record an error, e.g. {kinds[wrong[0]]} "
                    f"{ids[wrong[0]]}: {rows[ids[wrong[0]]][spec.invoicing_error_field]!r}; "
                    f"{ctx.org.explain_no_invoice(ids[wrong[0]])}"
                )
            return rows if done == len(good) and errored == len(failing) else None

        rows = ctx.wait_for(
            settled,
            timeout=ctx.budgets.invoice_seconds * 6,
            progress=lambda: progress["text"],
            what=f"{len(good)} invoices and {len(failing)} recorded errors",
            timing="200 mixed Opportunities -> settled",
        )
        customers = {
            a["Id"]: a.get(spec.customer_id_field)
            for a in ctx.org.query(
                "SELECT Id, "
                + spec.customer_id_field
                + " FROM Account WHERE Id IN ("
                + ", ".join(f"'{accounts[i]['id']}'" for i in sorted(good))
                + ")"
            )
        }
        # Each good record has its own Account, so its customer's invoices are its own: one listing
        # of the invoices created since this scenario's first customer, per customer.
        invoices_of = ctx.stripe_side.invoices_by_customer(
            {c for c in customers.values() if c}, created_since=first_created
        )
        for i, kind in enumerate(kinds):
            row = rows[ids[i]]
            if i in good:
                customer = customers[accounts[i]["id"]]
                billed = invoices_of.get(customer, []) if customer else []
                ctx.check(
                    [inv["id"] for inv in billed] == [row[spec.invoice_id_field]],
                    f"{kind} Opportunity {ids[i]} holds {row[spec.invoice_id_field]}; its customer has "
                    f"{[inv['id'] for inv in billed]} in Stripe, expected exactly that one",
                )
            elif i in failing:
                ctx.check(
                    not row.get(spec.invoice_id_field),
                    f"{kind} Opportunity {ids[i]} got invoice {row.get(spec.invoice_id_field)}",
                )
                logs = ctx.org.sync_logs_mentioning(ids[i], since)
                ctx.check(bool(logs), f"{kind} Opportunity {ids[i]} has no Sync Log")
            else:
                ctx.check(
                    not row.get(spec.invoice_id_field) and not row.get(spec.invoicing_error_field),
                    f"{kind} Opportunity {ids[i]} was touched: {row.get(spec.invoice_id_field)} / {row.get(spec.invoicing_error_field)}",
                )
        summary = f"{len(good)} invoiced exactly once, {len(failing)} logged, {len(kinds) - len(good) - len(failing)} left alone"
        if Capability.LIMITS in ctx.target.capabilities:
            usage = ctx.target.limits_usage(since=mark)
            stripe_tx = [t for t in usage["transactions"] if "Stripe_Path" in t["label"]]
            peak = max((t["callouts"] for t in stripe_tx), default=0)
            ctx.check(peak <= 80, f"a Stripe-path transaction made {peak} callouts (budget 80)")
            summary += f"; peak {peak} callouts per transaction"
        note_headroom(ctx, mark)
        return summary
