"""The invoice lifecycle through the real stripe SDK over HTTP."""

from __future__ import annotations

import re

import pytest
import stripe

from tests.stripesim.conftest import make_invoice


def event_types(client, **params) -> list[str]:
    return [e.type for e in reversed(client.v1.events.list(params={"limit": 100, **params}).data)]


def test_full_lifecycle_with_card_payment(client):
    customer, invoice = make_invoice(client, amount=2500)
    assert invoice.id.startswith("in_") and invoice.status == "draft" and invoice.livemode is False
    assert invoice.collection_method == "send_invoice" and invoice.due_date == invoice.created + 30 * 86400
    client.v1.invoice_items.create(
        params={
            "customer": customer.id,
            "invoice": invoice.id,
            "amount": 1500,
            "currency": "usd",
            "description": "Second gift",
        }
    )
    draft = client.v1.invoices.retrieve(invoice.id)
    assert (draft.subtotal, draft.total, draft.amount_due, draft.amount_remaining) == (4000, 4000, 4000, 4000)
    assert [line.amount for line in draft.lines.data] == [2500, 1500]
    assert draft.lines.data[0].parent.invoice_item_details.invoice_item.startswith("ii_")
    assert draft.number is None and draft.hosted_invoice_url is None

    finalized = client.v1.invoices.finalize_invoice(invoice.id)
    assert finalized.status == "open"
    assert re.fullmatch(r"[0-9A-F]{8}-0001", finalized.number)
    assert finalized.hosted_invoice_url.startswith("http://127.0.0.1:")
    assert finalized.status_transitions.finalized_at is not None

    paid = client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_visa"})
    assert paid.status == "paid" and paid.amount_paid == 4000 and paid.amount_remaining == 0
    assert paid.attempt_count == 1 and paid.attempted is True
    assert paid.status_transitions.paid_at is not None
    assert event_types(client) == [
        "customer.created",
        "invoice.created",
        "invoiceitem.created",
        "invoiceitem.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
    ]
    # The second invoice of the same customer gets the next number.
    second = client.v1.invoices.create(
        params={"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 7}
    )
    client.v1.invoice_items.create(params={"customer": customer.id, "invoice": second.id, "amount": 100})
    assert client.v1.invoices.finalize_invoice(second.id).number.endswith("-0002")


def test_events_are_shaped_like_stripe(client):
    customer, invoice = make_invoice(client)
    client.v1.invoices.finalize_invoice(invoice.id, options={"idempotency_key": "finalize-1"})
    event = client.v1.events.list(params={"type": "invoice.finalized"}).data[0]
    raw = event.to_dict()
    assert set(raw) == {
        "id",
        "object",
        "api_version",
        "created",
        "data",
        "livemode",
        "pending_webhooks",
        "request",
        "type",
    }
    assert raw["id"].startswith("evt_") and raw["api_version"] == "2025-04-30.basil"
    assert raw["request"]["idempotency_key"] == "finalize-1" and raw["request"]["id"].startswith("req_")
    assert raw["data"]["object"]["id"] == invoice.id and raw["data"]["object"]["status"] == "open"
    assert client.v1.events.retrieve(event.id).id == event.id
    customer_event = client.v1.events.list(params={"type": "customer.created"}).data[0]
    assert customer_event.data.object.id == customer.id


def test_invoice_shape_matches_the_fixture(client):
    import json

    from sfpay.paths import STRIPE_FIXTURES_PATH

    fixtures = json.loads(STRIPE_FIXTURES_PATH.read_text())["resources"]
    _, invoice = make_invoice(client)
    for name, obj in (
        ("invoice", client.v1.invoices.retrieve(invoice.id).to_dict()),
        ("customer", client.v1.customers.retrieve(invoice.customer).to_dict()),
        ("invoiceitem", client.v1.invoice_items.list().data[0].to_dict()),
        ("line_item", client.v1.invoices.retrieve(invoice.id).lines.data[0].to_dict()),
    ):
        assert set(fixtures[name]) <= set(obj), (name, set(fixtures[name]) - set(obj))


def test_declined_card_leaves_invoice_open_then_succeeds(client):
    _, invoice = make_invoice(client)
    client.v1.invoices.finalize_invoice(invoice.id)
    with pytest.raises(stripe.CardError) as caught:
        client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_chargeDeclined"})
    error = caught.value
    assert error.http_status == 402 and error.code == "card_declined"
    assert error.error.type == "card_error" and error.error.decline_code == "generic_decline"
    assert error.error.message == "Your card was declined."
    after = client.v1.invoices.retrieve(invoice.id)
    assert after.status == "open" and after.attempt_count == 1 and after.amount_remaining == 5000
    failed = client.v1.events.list(params={"type": "invoice.payment_failed"}).data
    assert len(failed) == 1 and failed[0].data.object.id == invoice.id
    assert client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_visa"}).status == "paid"


def test_void_and_reissue(client):
    customer, invoice = make_invoice(client, amount=5000)
    client.v1.invoices.finalize_invoice(invoice.id)
    voided = client.v1.invoices.void_invoice(invoice.id)
    assert voided.status == "void" and voided.status_transitions.voided_at is not None
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_visa"})
    assert caught.value.http_status == 400 and "void" in caught.value.user_message
    assert caught.value.error.type == "invalid_request_error"
    reissued = client.v1.invoices.create(
        params={"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    client.v1.invoice_items.create(params={"customer": customer.id, "invoice": reissued.id, "amount": 7500})
    reissued = client.v1.invoices.finalize_invoice(reissued.id)
    assert reissued.amount_due == 7500 and reissued.number.endswith("-0002")
    assert "invoice.voided" in event_types(client)
    statuses = {i.id: i.status for i in client.v1.invoices.list(params={"customer": customer.id}).data}
    assert statuses == {invoice.id: "void", reissued.id: "open"}


def test_state_machine_errors(client):
    _, invoice = make_invoice(client)
    with pytest.raises(stripe.InvalidRequestError, match="void invoices that are open or uncollectible"):
        client.v1.invoices.void_invoice(invoice.id)
    client.v1.invoices.finalize_invoice(invoice.id)
    with pytest.raises(stripe.InvalidRequestError, match="already finalized"):
        client.v1.invoices.finalize_invoice(invoice.id)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoice_items.create(params={"customer": invoice.customer, "invoice": invoice.id, "amount": 1})
    assert caught.value.code == "invoice_not_editable" and caught.value.param == "invoice"
    client.v1.invoices.pay(invoice.id, params={"paid_out_of_band": True})
    with pytest.raises(stripe.InvalidRequestError, match="already paid"):
        client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_visa"})
    with pytest.raises(stripe.InvalidRequestError, match="This invoice is paid"):
        client.v1.invoices.void_invoice(invoice.id)
    with pytest.raises(stripe.InvalidRequestError, match="only mark open invoices"):
        client.v1.invoices.mark_uncollectible(invoice.id)
    assert client.v1.invoices.retrieve(invoice.id).status == "paid"


def test_paid_out_of_band_emits_paid_only(client):
    _, invoice = make_invoice(client)
    client.v1.invoices.finalize_invoice(invoice.id)
    paid = client.v1.invoices.pay(invoice.id, params={"paid_out_of_band": True})
    assert paid.status == "paid" and paid.amount_remaining == 0 and paid.attempt_count == 0
    types = event_types(client)
    assert types[-1] == "invoice.paid" and "invoice.payment_succeeded" not in types


def test_mark_uncollectible_then_pay(client):
    _, invoice = make_invoice(client)
    client.v1.invoices.finalize_invoice(invoice.id)
    assert client.v1.invoices.mark_uncollectible(invoice.id).status == "uncollectible"
    assert "invoice.marked_uncollectible" in event_types(client)
    assert client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_visa"}).status == "paid"


def test_send_invoice_emits_sent(client):
    _, invoice = make_invoice(client)
    client.v1.invoices.finalize_invoice(invoice.id)
    assert "invoice.sent" not in event_types(client)  # auto_advance false: nothing is emailed
    sent = client.v1.invoices.send_invoice(invoice.id)
    assert sent.status == "open" and event_types(client)[-1] == "invoice.sent"
    _, auto = make_invoice(client, auto_advance=True)
    client.v1.invoices.finalize_invoice(auto.id)
    assert event_types(client)[-2:] == ["invoice.finalized", "invoice.sent"]


def test_send_requires_send_invoice_collection(client):
    _, invoice = make_invoice(client, collection_method="charge_automatically", days_until_due=None)
    with pytest.raises(stripe.InvalidRequestError, match="collection method is 'send_invoice'"):
        client.v1.invoices.send_invoice(invoice.id)


def test_pay_uses_the_customers_default_payment_method(client):
    customer, invoice = make_invoice(client)
    with pytest.raises(stripe.InvalidRequestError, match="no attached payment source"):
        client.v1.invoices.pay(invoice.id)
    assert client.v1.invoices.retrieve(invoice.id).status == "draft"
    client.v1.customers.update(customer.id, params={"invoice_settings": {"default_payment_method": "pm_card_visa"}})
    # Paying a draft finalizes it first, as Stripe does.
    paid = client.v1.invoices.pay(invoice.id)
    assert paid.status == "paid" and paid.number is not None


def test_zero_amount_invoice_is_paid_on_finalize(client):
    customer = client.v1.customers.create(params={"email": "zero@example.org"})
    invoice = client.v1.invoices.create(params={"customer": customer.id})
    assert client.v1.invoices.finalize_invoice(invoice.id).status == "paid"


def test_delete_draft_and_invoice_items(client):
    customer, invoice = make_invoice(client)
    item = client.v1.invoice_items.list(params={"invoice": invoice.id}).data[0]
    assert client.v1.invoice_items.delete(item.id).deleted is True
    assert client.v1.invoices.retrieve(invoice.id).amount_due == 0
    assert client.v1.invoices.delete(invoice.id).deleted is True
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.retrieve(invoice.id)
    assert caught.value.http_status == 404 and caught.value.code == "resource_missing"


def test_update_invoice_emits_updated_with_previous_attributes(client):
    _, invoice = make_invoice(client)
    client.v1.invoices.update(invoice.id, params={"description": "Spring appeal", "metadata": {"opp": "006x"}})
    event = client.v1.events.list(params={"type": "invoice.updated"}).data[0]
    assert event.data.object.description == "Spring appeal"
    assert event.data.previous_attributes.to_dict() == {"description": None, "metadata": {}}


def test_module_level_sdk_configuration(sim, monkeypatch):
    """The older global style (`stripe.api_key`, `stripe.api_base`) works too."""
    monkeypatch.setattr(stripe, "api_key", sim.api_key)
    monkeypatch.setattr(stripe, "api_base", sim.base_url)
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    customer = stripe.Customer.create(email="global@example.org")
    invoice = stripe.Invoice.create(customer=customer.id, collection_method="send_invoice", days_until_due=30)
    stripe.InvoiceItem.create(customer=customer.id, invoice=invoice.id, amount=900)
    finalized = stripe.Invoice.finalize_invoice(invoice.id)
    assert finalized.status == "open" and finalized.amount_due == 900
    assert stripe.Invoice.retrieve(invoice.id).number == finalized.number


def test_updating_collection_terms_of_a_draft(client):
    customer = client.v1.customers.create(params={"email": "terms@example.org"})
    invoice = client.v1.invoices.create(params={"customer": customer.id})
    assert invoice.collection_method == "charge_automatically" and invoice.due_date is None
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.update(invoice.id, params={"collection_method": "send_invoice"})
    assert caught.value.param == "days_until_due"
    updated = client.v1.invoices.update(invoice.id, params={"collection_method": "send_invoice", "days_until_due": 14})
    assert updated.collection_method == "send_invoice" and updated.due_date == updated.created + 14 * 86400
    event = client.v1.events.list(params={"type": "invoice.updated"}).data[0]
    assert event.data.previous_attributes.collection_method == "charge_automatically"
    back = client.v1.invoices.update(invoice.id, params={"collection_method": "charge_automatically"})
    assert back.due_date is None
    client.v1.invoice_items.create(params={"customer": customer.id, "invoice": invoice.id, "amount": 10})
    client.v1.invoices.finalize_invoice(invoice.id)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.update(invoice.id, params={"days_until_due": 3})
    assert caught.value.code == "invoice_not_editable"
    assert client.v1.invoices.update(invoice.id, params={"metadata": {"k": "v"}}).metadata.k == "v"
