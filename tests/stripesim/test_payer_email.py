"""Invoices sent to the customer need the customer's email (issue 12, defect 2)."""

from __future__ import annotations

import pytest
import stripe

MISSING_EMAIL = (
    "Missing email. In order to create invoices that are sent to the customer, the customer must have a valid email."
)


def test_send_invoice_for_a_customer_without_email_is_refused_at_create(client):
    customer = client.v1.customers.create(params={"name": "No Mail"})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.create(
            params={"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
        )
    error = caught.value
    assert error.http_status == 400
    assert error.error.type == "invalid_request_error"
    assert error.error.message == MISSING_EMAIL
    # Stripe's answer carries neither `code` nor `param` (see stripesim/resources/payer_email.py).
    assert error.code is None and error.param is None
    assert client.v1.invoices.list().data == []
    assert [e.type for e in client.v1.events.list().data] == ["customer.created"]


def test_charge_automatically_needs_no_email_and_send_invoice_works_once_the_email_exists(client):
    customer = client.v1.customers.create(params={"name": "No Mail"})
    assert client.v1.invoices.create(params={"customer": customer.id}).collection_method == "charge_automatically"
    client.v1.customers.update(customer.id, params={"email": "payer@example.org"})
    invoice = client.v1.invoices.create(
        params={"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    assert invoice.customer_email == "payer@example.org"


def test_the_refusal_is_replayed_under_its_idempotency_key_like_any_executed_request(client):
    customer = client.v1.customers.create(params={"name": "No Mail"})
    params = {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    for _ in range(2):
        with pytest.raises(stripe.InvalidRequestError) as caught:
            client.v1.invoices.create(params=params, options={"idempotency_key": "no-mail-1"})
    assert caught.value.headers.get("Idempotent-Replayed") == "true"


def test_switching_a_draft_to_send_invoice_without_email_is_refused_as_not_emulated(client):
    customer = client.v1.customers.create(params={"name": "No Mail"})
    invoice = client.v1.invoices.create(params={"customer": customer.id})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.update(invoice.id, params={"collection_method": "send_invoice", "days_until_due": 3})
    assert caught.value.code == "behavior_not_emulated"
    assert client.v1.invoices.retrieve(invoice.id).collection_method == "charge_automatically"


def test_finalizing_after_the_email_was_removed_is_refused_as_not_emulated(client):
    customer = client.v1.customers.create(params={"email": "payer@example.org"})
    invoice = client.v1.invoices.create(
        params={"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    client.v1.customers.update(customer.id, params={"email": ""})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.finalize_invoice(invoice.id)
    assert caught.value.code == "behavior_not_emulated"
    assert client.v1.invoices.retrieve(invoice.id).status == "draft"


def test_a_draft_follows_the_customer_email_until_it_is_finalized(client):
    customer = client.v1.customers.create(params={"email": "old@example.org"})
    invoice = client.v1.invoices.create(
        params={"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    client.v1.customers.update(customer.id, params={"email": "new@example.org", "name": "Payer"})
    draft = client.v1.invoices.retrieve(invoice.id)
    assert (draft.customer_email, draft.customer_name) == ("new@example.org", "Payer")
    client.v1.invoices.finalize_invoice(invoice.id)
    client.v1.customers.update(customer.id, params={"email": "later@example.org"})
    assert client.v1.invoices.retrieve(invoice.id).customer_email == "new@example.org"
