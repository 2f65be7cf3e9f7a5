import contextlib

from harness.scenario import Scenario, register

COUNT = 3


@contextlib.contextmanager
def _create_flow_inactive(ctx):
    """The create flow switched off through the Tooling API (FlowDefinition activeVersionNumber 0,
    what CumulusCI's activate_flow sends), as it was before go-live; its active version back after."""
    from pathlib import Path
    from urllib.parse import quote

    from generator.spec.loader import load_spec

    name = load_spec(Path(ctx.spec.spec_path)).flows.create.api_name
    soql = f"SELECT Id, ActiveVersion.VersionNumber FROM FlowDefinition WHERE DeveloperName = '{name}'"
    rows = ctx.sf.toolingexecute(f"query/?q={quote(soql)}")["records"]
    if not rows or not rows[0].get("ActiveVersion"):
        ctx.fail(f"flow {name} is not active in the org")
    definition, version = rows[0]["Id"], rows[0]["ActiveVersion"]["VersionNumber"]

    def activate(number: int) -> None:
        ctx.sf.toolingexecute(
            f"sobjects/FlowDefinition/{definition}", method="PATCH", json={"Metadata": {"activeVersionNumber": number}}
        )

    activate(0)
    ctx.note("salesforce", f"Flow {name}", "deactivated (before go-live)")
    try:
        yield
    finally:
        activate(version)


def _outcomes(report) -> dict:
    return {row["id"]: row["outcome"] for row in report["opportunities"]}


@register
class BackfillRerunSafe(Scenario):
    name = "backfill-rerun-safe"
    number = 23
    title = "Opportunities from before go-live are invoiced once by sfpay backfill, even when it is run again"
    description = (
        f"{COUNT} eligible Opportunities are saved while the create flow is inactive (before go-live): no invoice. "
        "`sfpay backfill --dry-run` lists them and changes nothing; a first run stopped after two (`--limit 2`) "
        "starts those two; a second run started before their invoices exist leaves them alone and starts the "
        "third; each gets exactly one Stripe invoice; a last run finds nothing to do."
    )

    def steps(self, ctx) -> str:
        from harness.scenarios._operate import run_json

        spec = ctx.spec
        opps, accounts = [], []
        with _create_flow_inactive(ctx):
            for _ in range(COUNT):
                account = ctx.org.create_account()
                accounts.append(account)
                opps.append(ctx.org.create_opportunity(account, spec.amount()))
        ctx.hold(
            lambda: [o for o in opps if ctx.org.opportunity(o).get(spec.invoice_id_field)],
            what="an Opportunity saved while the create flow was inactive got an invoice",
        )
        # Only this scenario's records: other eligible Opportunities of the org are not ours to invoice.
        where = "Id IN (" + ", ".join(f"'{o}'" for o in opps) + ")"
        # Backfill starts them in Id order (ORDER BY Id), which is the org's collation of Ids, not
        # always the order they were created in: ask the org which two come first.
        account_of = dict(zip(opps, accounts, strict=True))
        opps = [row["Id"] for row in ctx.org.query(f"SELECT Id FROM Opportunity WHERE {where} ORDER BY Id")]
        ctx.check(len(opps) == COUNT, f"the org lists {len(opps)} of the {COUNT} Opportunities")

        code, dry = run_json(ctx, "backfill", "--where", where, "--dry-run")
        ctx.check(
            code == 1 and _outcomes(dry) == {o: "would queue" for o in opps},
            f"dry run: exit {code}, {_outcomes(dry)}",
        )
        ctx.check(
            not any(ctx.org.opportunity(o).get(spec.invoicing_error_field) for o in opps), "the dry run changed data"
        )

        code, first = run_json(ctx, "backfill", "--where", where, "--limit", "2", "--wait", "0")
        started = [o for o, outcome in _outcomes(first).items() if outcome.startswith("queued")]
        ctx.check(code == 1 and started == opps[:2], f"first run (--limit 2): exit {code}, {_outcomes(first)}")

        code, second = run_json(ctx, "backfill", "--where", where, "--wait", "0")
        second_outcomes = _outcomes(second)
        ctx.check(
            all(second_outcomes[o].startswith("pending") for o in opps[:2])
            and second_outcomes[opps[2]].startswith("queued"),
            f"second run before the invoices exist: {second_outcomes}",
        )

        invoices = []
        for opp in opps:
            account = account_of[opp]
            record = ctx.org.wait_for_invoice(opp, timing="backfill started -> invoice id written back")
            customer = ctx.org.account_customer_id(account)
            found = ctx.stripe_side.invoices_for_customer(customer) if customer else []
            ctx.check(
                [i.id for i in found] == [record[spec.invoice_id_field]],
                f"Opportunity {opp}: Stripe holds {[i.id for i in found]} for {customer}, expected exactly "
                f"{record[spec.invoice_id_field]}",
            )
            invoices.append(record[spec.invoice_id_field])

        code, last = run_json(ctx, "backfill", "--where", where)
        ctx.check(code == 0 and last["opportunities"] == [], f"last run: exit {code}, {_outcomes(last)}")
        return f"{COUNT} Opportunities from before go-live invoiced once each ({', '.join(invoices)}) over 2 runs"
