"""The harness's bulk Stripe listings (`StripeDriver.listing`, and the invoices and events the
scenarios list through it) against stripesim, with the real SDK: the same objects in the same
order as the SDK's own pagination, errors still raised as `stripe.StripeError`, and no typed
`StripeObject` built for what they return (they cost a Python object per nested field)."""

from __future__ import annotations

import gc
import types

import pytest
import stripe

from harness.drivers.stripe_side import StripeDriver
from stripesim import start_sim
from tests.stripesim.conftest import fast_config, make_invoice


@pytest.fixture(scope="module")
def shared_sim():
    with start_sim(fast_config()) as running:
        yield running


@pytest.fixture
def client(shared_sim) -> stripe.StripeClient:
    shared_sim.admin.reset()
    return shared_sim.stripe_client()


def driver(client: stripe.StripeClient) -> StripeDriver:
    # StripeDriver reads only `ctx.stripe` for listings.
    return StripeDriver(types.SimpleNamespace(stripe=client))  # type: ignore[arg-type]


def typed_objects_alive() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, stripe.StripeObject))


def test_listing_reads_every_page_in_the_sdks_order(client):
    made = [client.v1.customers.create(params={"email": f"p{i}@example.org"}).id for i in range(7)]
    listed = list(driver(client).listing("/v1/customers", {"limit": 3}))  # three pages
    by_sdk = [c.id for c in client.v1.customers.list({"limit": 3}).auto_paging_iter()]
    assert [c["id"] for c in listed] == by_sdk == list(reversed(made))
    assert all(type(c) is not stripe.StripeObject and c["object"] == "customer" for c in listed)


def test_listing_raises_the_sdks_errors(client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        list(driver(client).listing("/v1/invoices", {"limit": 1000}))
    assert caught.value.param == "limit"


def test_invoices_and_events_are_listed_without_typed_objects(client):
    first, first_invoice = make_invoice(client)
    second, second_invoice = make_invoice(client, amount=7000)
    make_invoice(client)  # another customer's: not asked for
    since = client.v1.invoices.retrieve(first_invoice.id).created
    stripe_side = driver(client)

    before = typed_objects_alive()
    invoices = stripe_side.invoices_by_customer({first.id, second.id}, created_since=since)
    events = stripe_side.events_for(second_invoice.id, {"invoice.created"}, since=since)
    assert typed_objects_alive() == before, "the listings built StripeObjects"

    assert {customer: [i["id"] for i in found] for customer, found in invoices.items()} == {
        first.id: [first_invoice.id],
        second.id: [second_invoice.id],
    }
    assert invoices[second.id][0]["amount_due"] == 7000  # nested params (created[gte]) encoded as the SDK does
    assert [(e["type"], e["data"]["object"]["id"]) for e in events] == [("invoice.created", second_invoice.id)]
    sdk_event = client.v1.events.retrieve(events[0]["id"]).to_dict(for_json=True)
    assert events[0] == sdk_event  # the shape Stripe delivers, as re-delivered by duplicate-out-of-order-webhooks
