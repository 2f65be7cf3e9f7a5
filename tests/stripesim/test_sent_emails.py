"""The invoice emails Stripe would send to the payer, recorded and exposed at /_sim/sent_emails."""

from __future__ import annotations

import httpx

from tests.stripesim.conftest import make_invoice


def _types(client) -> list[str]:
    return [e.type for e in reversed(client.v1.events.list(params={"limit": 100}).data)]


def test_send_records_the_email_to_the_customer_and_emits_invoice_sent(sim, client):
    customer, invoice = make_invoice(client, amount=4200)
    finalized = client.v1.invoices.finalize_invoice(invoice.id)
    assert sim.admin.sent_emails() == []  # auto_advance false: finalize alone emails nobody
    sent = client.v1.invoices.send_invoice(invoice.id)
    emails = sim.admin.sent_emails()
    assert len(emails) == 1
    email = emails[0]
    assert email["to"] == customer.email == "donor@example.org"
    assert email["invoice"] == invoice.id and email["customer"] == customer.id
    assert email["hosted_invoice_url"] == finalized.hosted_invoice_url
    assert (email["amount_due"], email["currency"]) == (4200, "usd")
    assert email["due_date"] == sent.due_date and email["number"] == sent.number
    assert email["trigger"] == "send"
    assert _types(client)[-1] == "invoice.sent"


def test_finalize_with_auto_advance_sends_a_send_invoice_invoice(sim, client):
    _, invoice = make_invoice(client)
    client.v1.invoices.finalize_invoice(invoice.id, params={"auto_advance": True})
    emails = sim.admin.sent_emails()
    assert [(e["invoice"], e["trigger"]) for e in emails] == [(invoice.id, "finalize")]
    assert _types(client)[-2:] == ["invoice.finalized", "invoice.sent"]


def test_sending_again_sends_again_and_reset_forgets(sim, client):
    _, invoice = make_invoice(client)
    client.v1.invoices.send_invoice(invoice.id)  # a draft: finalized first, then sent
    client.v1.invoices.send_invoice(invoice.id)
    assert len(sim.admin.sent_emails()) == 2
    assert len(sim.admin.sent_emails(invoice=invoice.id)) == 2
    assert sim.admin.sent_emails(to="someone-else@example.org") == []
    sim.admin.reset()
    assert sim.admin.sent_emails() == []


def test_charge_automatically_and_zero_amount_invoices_send_nothing(sim, client):
    customer = client.v1.customers.create(params={"email": "payer@example.org"})
    auto = client.v1.invoices.create(params={"customer": customer.id})
    client.v1.invoice_items.create(params={"customer": customer.id, "invoice": auto.id, "amount": 100})
    client.v1.invoices.finalize_invoice(auto.id)
    _, free = make_invoice(client, amount=0)
    client.v1.invoices.finalize_invoice(free.id, params={"auto_advance": True})
    assert sim.admin.sent_emails() == []


def test_the_admin_route_needs_the_key_and_refuses_unknown_filters(sim):
    assert httpx.get(f"{sim.base_url}/_sim/sent_emails").status_code == 401
    answer = httpx.get(
        f"{sim.base_url}/_sim/sent_emails", params={"bogus": "1"}, headers={"Authorization": f"Bearer {sim.api_key}"}
    )
    assert answer.status_code == 400 and "bogus" in answer.json()["error"]["message"]


def test_one_invoices_messages_are_read_without_reading_every_message(tmp_path):
    """The harness asks for one invoice's or customer's messages after each send, on a --db store
    that keeps every message ever sent: a filtered listing reads the index, then only the
    matching messages (by id), never the bodies of all of them."""
    from tests.stripesim.test_sqlite_field_index import _running, _scans_of_indexed_documents

    statements: list[str] = []
    with _running(tmp_path / "stripe.db", statements) as running:
        client = running.stripe_client()
        sent = []
        for number in range(4):
            customer, invoice = make_invoice(client, amount=1000 + number)
            client.v1.invoices.send_invoice(invoice.id)
            sent.append((customer.id, invoice.id))
        statements.clear()
        customer_id, invoice_id = sent[2]
        by_invoice = running.admin.sent_emails(invoice=invoice_id)
        by_both = running.admin.sent_emails(customer=customer_id, invoice=invoice_id)
        by_address = running.admin.sent_emails(to="DONOR@example.org")  # the filter is exact
        everything = running.admin.sent_emails()
    assert [m["invoice"] for m in by_invoice] == [invoice_id] and by_both == by_invoice
    assert by_address == [] and [m["invoice"] for m in everything] == [i for _, i in sent]
    listing_reads = _scans_of_indexed_documents(statements)
    assert len(listing_reads) == 1 and "kind='sent_email'" in listing_reads[0], listing_reads  # the unfiltered one
