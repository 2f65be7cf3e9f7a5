"""A deleted customer can be retrieved (as a stub) but nothing else can be done with it."""

from __future__ import annotations

import httpx
import pytest
import stripe


@pytest.fixture
def deleted(client):
    customer = client.v1.customers.create(params={"email": "gone@example.org", "name": "Gone"})
    client.v1.customers.delete(customer.id)
    return customer


def test_retrieve_answers_the_deleted_stub_with_200(sim, deleted):
    answer = httpx.get(f"{sim.base_url}/v1/customers/{deleted.id}", headers={"Authorization": f"Bearer {sim.api_key}"})
    assert answer.status_code == 200
    assert answer.json() == {"id": deleted.id, "object": "customer", "deleted": True}


def test_invoicing_a_deleted_customer_fails_like_an_unknown_one(client, deleted):
    for create in (
        lambda: client.v1.invoices.create(
            params={"customer": deleted.id, "collection_method": "send_invoice", "days_until_due": 30}
        ),
        lambda: client.v1.invoice_items.create(params={"customer": deleted.id, "amount": 100}),
    ):
        with pytest.raises(stripe.InvalidRequestError) as caught:
            create()
        error = caught.value
        assert error.http_status == 400 and error.code == "resource_missing" and error.param == "customer"
        assert error.error.message == f"No such customer: '{deleted.id}'"


def test_update_and_second_delete_fail_with_404(client, deleted):
    for call in (
        lambda: client.v1.customers.update(deleted.id, params={"name": "Back"}),
        lambda: client.v1.customers.delete(deleted.id),
    ):
        with pytest.raises(stripe.InvalidRequestError) as caught:
            call()
        assert caught.value.http_status == 404 and caught.value.code == "resource_missing"


def test_deleted_customers_leave_lists_and_search(client, deleted):
    assert client.v1.customers.list(params={"email": "gone@example.org"}).data == []
    assert client.v1.customers.search(params={"query": "email:'gone@example.org'"}).data == []


def test_an_invoice_expanding_a_deleted_customer_shows_the_stub(client):
    customer = client.v1.customers.create(params={"email": "gone@example.org"})
    invoice = client.v1.invoices.create(params={"customer": customer.id})
    client.v1.customers.delete(customer.id)
    expanded = client.v1.invoices.retrieve(invoice.id, params={"expand": ["customer"]})
    assert expanded.customer.to_dict() == {"id": customer.id, "object": "customer", "deleted": True}
