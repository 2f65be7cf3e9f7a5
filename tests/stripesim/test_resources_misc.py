"""Customer updates, pending invoice items, endpoint status, hosted page states, reset."""

from __future__ import annotations

import time

import httpx
import pytest
import stripe

from tests.stripesim.conftest import make_invoice


def test_customer_update_emits_previous_attributes_and_merges_metadata(client):
    customer = client.v1.customers.create(params={"email": "a@example.org", "metadata": {"a": "1", "b": "2"}})
    updated = client.v1.customers.update(customer.id, params={"name": "Ada", "metadata": {"b": "", "c": "3"}})
    assert updated.name == "Ada" and updated.metadata.to_dict() == {"a": "1", "c": "3"}
    event = client.v1.events.list(params={"type": "customer.updated"}).data[0]
    assert event.data.previous_attributes.to_dict() == {"name": None, "metadata": {"a": "1", "b": "2"}}
    # An update that changes nothing emits nothing.
    client.v1.customers.update(customer.id, params={"name": "Ada"})
    assert len(client.v1.events.list(params={"type": "customer.updated"}).data) == 1
    cleared = client.v1.customers.update(customer.id, params={"metadata": ""})
    assert cleared.metadata.to_dict() == {}


def test_pending_items_are_pulled_in_only_when_asked(client):
    customer = client.v1.customers.create(params={"email": "a@example.org"})
    pending = client.v1.invoice_items.create(params={"customer": customer.id, "amount": 300})
    assert pending.invoice is None
    excluded = client.v1.invoices.create(params={"customer": customer.id})
    assert excluded.amount_due == 0
    included = client.v1.invoices.create(params={"customer": customer.id, "pending_invoice_items_behavior": "include"})
    assert included.amount_due == 300 and client.v1.invoice_items.retrieve(pending.id).invoice == included.id
    assert client.v1.invoice_items.list(params={"pending": True}).data == []


def test_items_must_match_the_invoice(client):
    customer, invoice = make_invoice(client)
    other = client.v1.customers.create(params={"email": "b@example.org"})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoice_items.create(params={"customer": other.id, "invoice": invoice.id, "amount": 1})
    assert caught.value.param == "invoice"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoice_items.create(
            params={"customer": customer.id, "invoice": invoice.id, "amount": 1, "currency": "eur"}
        )
    assert caught.value.param == "currency"
    assert client.v1.invoices.retrieve(invoice.id).amount_due == 5000


def test_events_of_one_request_share_its_request_id(client):
    _, invoice = make_invoice(client)
    client.v1.invoices.finalize_invoice(invoice.id)
    paid = client.v1.invoices.pay(
        invoice.id, params={"payment_method": "pm_card_visa"}, options={"idempotency_key": "pay-it"}
    )
    events = client.v1.events.list(params={"limit": 2}).data
    assert {e.type for e in events} == {"invoice.paid", "invoice.payment_succeeded"}
    assert {e.request.id for e in events} == {paid.last_response.request_id}
    assert {e.request.idempotency_key for e in events} == {"pay-it"}


def test_disabled_and_deleted_endpoints_get_nothing(sim, client, receiver):
    disabled = client.v1.webhook_endpoints.create(params={"url": receiver.url, "enabled_events": ["*"]})
    client.v1.webhook_endpoints.update(disabled.id, params={"disabled": True})
    client.v1.customers.create(params={"email": "a@example.org"})
    time.sleep(0.3)
    assert receiver.received == [] and sim.admin.deliveries() == []
    client.v1.webhook_endpoints.update(disabled.id, params={"disabled": False})
    sim.admin.webhook_switches(paused=True)
    client.v1.customers.create(params={"email": "b@example.org"})
    client.v1.webhook_endpoints.delete(disabled.id)
    sim.admin.release_webhooks()
    deliveries = sim.admin.wait_for_deliveries()
    assert [d["status"] for d in deliveries] == ["failed"] and receiver.received == []


def test_hosted_page_escapes_descriptions(client):
    customer = client.v1.customers.create(params={"name": "<script>alert(1)</script>"})
    invoice = client.v1.invoices.create(params={"customer": customer.id})
    client.v1.invoice_items.create(
        params={"customer": customer.id, "invoice": invoice.id, "amount": 100, "description": "<b>bold</b>"}
    )
    page = httpx.get(client.v1.invoices.finalize_invoice(invoice.id).hosted_invoice_url).text
    assert "<script>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page


def test_reset_wipes_the_account(sim, client):
    make_invoice(client)
    sim.admin.add_fault(path="/v1/customers", fault="500", nth=99)
    sim.admin.reset()
    assert client.v1.customers.list().data == [] and client.v1.events.list().data == []
    assert sim.admin.faults() == []


def test_webhook_endpoint_metadata_and_list_pagination(client):
    ids = [
        client.v1.webhook_endpoints.create(
            params={"url": f"https://example.org/{i}", "enabled_events": ["*"], "metadata": {"i": str(i)}}
        ).id
        for i in range(3)
    ]
    first = client.v1.webhook_endpoints.list(params={"limit": 2})
    assert [e.id for e in first.data] == ids[::-1][:2] and first.has_more
    assert client.v1.webhook_endpoints.retrieve(ids[0]).metadata.to_dict() == {"i": "0"}


def test_delete_customer(client):
    customer = client.v1.customers.create(params={"email": "gone@example.org"})
    assert client.v1.customers.delete(customer.id).deleted is True
    assert client.v1.customers.retrieve(customer.id).to_dict() == {
        "id": customer.id,
        "object": "customer",
        "deleted": True,
    }
    assert client.v1.customers.list().data == []
    assert client.v1.events.list(params={"type": "customer.deleted"}).data[0].data.object.id == customer.id
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.create(params={"customer": customer.id})
    assert caught.value.param == "customer"
