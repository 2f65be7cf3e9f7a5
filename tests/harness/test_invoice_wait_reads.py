"""Waiting for an invoice reads the Opportunity once per look: the failure probe takes the error
field from the row the look just read instead of querying it again. Counted on the wire (the
org client's own requests session, response hooks) against a real orgsim with the generated
flows deployed and a real stripesim."""

from __future__ import annotations

from urllib.parse import unquote_plus

from harness.drivers.salesforce import sobject, soql_quote
from tests.harness.test_hold_quiescence import ctx, local_stack  # noqa: F401 - the fixtures: a real stack


def test_waiting_for_an_invoice_reads_the_opportunity_once_per_look(ctx):  # noqa: F811 - the fixture
    spec = ctx.spec
    # The Stripe Account record the flows look up by name, as `sfpay local up` makes it.
    if not ctx.org.query(
        f"SELECT Id FROM {spec.stripe_account_object} WHERE Name = {soql_quote(spec.stripe_account_name)}"
    ):
        sobject(ctx.sf, spec.stripe_account_object).create({"Name": spec.stripe_account_name})
    account = ctx.org.create_account()
    opportunity = ctx.org.create_opportunity(account, spec.amount())
    sent: list[tuple[str, str]] = []

    def record(response, *args, **kwargs):
        sent.append((response.request.method, unquote_plus(response.request.url)))

    ctx.sf.session.hooks["response"].append(record)
    try:
        row = ctx.org.wait_for_invoice(opportunity)
    finally:
        ctx.sf.session.hooks["response"].remove(record)

    assert row[spec.invoice_id_field].startswith("in_")
    reads = [url for method, url in sent if method == "GET" and f"FROM Opportunity WHERE Id = '{opportunity}'" in url]
    clock_steps = [url for method, url in sent if method == "POST" and url.endswith("/_orgsim/clock")]
    assert clock_steps, "the invoice was there at the first look: nothing to count"
    # The error field as it was before the wait, then one read per look: the first look and one
    # after each clock step (the Stripe path runs on the step).
    assert len(reads) == 1 + 1 + len(clock_steps), sent
