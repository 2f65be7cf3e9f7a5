"""Webhook endpoints and deliveries: signatures, retries, duplicates, reordering, delay."""

from __future__ import annotations

import time

import pytest
import stripe

from tests.stripesim.conftest import make_invoice


def wait_until(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def create_endpoint(client, receiver, events=("*",), **params):
    return client.v1.webhook_endpoints.create(params={"url": receiver.url, "enabled_events": list(events), **params})


def lifecycle(client):
    _, invoice = make_invoice(client)
    client.v1.invoices.finalize_invoice(invoice.id)
    client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_visa"})
    return invoice


def test_endpoint_crud_and_secret_only_on_creation(client, receiver):
    endpoint = create_endpoint(client, receiver, ["invoice.paid"], api_version="2025-04-30.basil", description="org")
    assert endpoint.id.startswith("we_") and endpoint.secret.startswith("whsec_")
    assert endpoint.status == "enabled" and endpoint.api_version == "2025-04-30.basil"
    fetched = client.v1.webhook_endpoints.retrieve(endpoint.id)
    assert "secret" not in fetched
    updated = client.v1.webhook_endpoints.update(
        endpoint.id, params={"enabled_events": ["invoice.voided"], "disabled": True}
    )
    assert updated.enabled_events == ["invoice.voided"] and updated.status == "disabled"
    assert [e.id for e in client.v1.webhook_endpoints.list().data] == [endpoint.id]
    assert client.v1.webhook_endpoints.delete(endpoint.id).deleted is True
    assert client.v1.webhook_endpoints.list().data == []


def test_unknown_event_type_is_refused_and_every_stripe_type_accepted(client, receiver):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        create_endpoint(client, receiver, ["invoice.paid", "invoice.exploded"])
    assert caught.value.param == "enabled_events[1]" and "invoice.exploded" in caught.value.user_message
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.webhook_endpoints.create(params={"url": "ftp://x", "enabled_events": ["*"]})
    assert caught.value.param == "url"
    assert client.v1.webhook_endpoints.list().data == []


def test_deliveries_are_signed_and_verify_with_the_sdk(sim, client, receiver):
    endpoint = create_endpoint(client, receiver, ["invoice.finalized", "invoice.paid"], api_version="2024-06-20")
    invoice = lifecycle(client)
    wait_until(lambda: len(receiver.received) == 2)
    for received in receiver.received:
        assert received.headers["content-type"].startswith("application/json")
        assert received.headers["user-agent"].startswith("Stripe/1.0")
        event = stripe.Webhook.construct_event(received.body, received.headers["stripe-signature"], endpoint.secret)
        assert event.data.object.id == invoice.id
        assert event.api_version == "2024-06-20"  # rendered for the endpoint's version
    assert sorted(receiver.types()) == ["invoice.finalized", "invoice.paid"]
    paid = client.v1.events.list(params={"type": "invoice.paid"}).data[0]
    wait_until(lambda: client.v1.events.retrieve(paid.id).pending_webhooks == 0)


def test_tampered_and_stale_payloads_are_rejected(sim, client, receiver):
    endpoint = create_endpoint(client, receiver, ["customer.created"])
    client.v1.customers.create(params={"email": "a@example.org"})
    wait_until(lambda: len(receiver.received) == 1)
    genuine = receiver.received[0]
    tampered = genuine.body.replace("a@example.org", "evil@example.org")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(tampered, genuine.headers["stripe-signature"], endpoint.secret)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(genuine.body, genuine.headers["stripe-signature"], "whsec_wrong")
    sim.admin.webhook_switches(signature_offset_seconds=-600)
    client.v1.customers.create(params={"email": "b@example.org"})
    wait_until(lambda: len(receiver.received) == 2)
    stale = receiver.received[1]
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(stale.body, stale.headers["stripe-signature"], endpoint.secret)
    # The signature itself is right; only its age is wrong.
    stripe.Webhook.construct_event(stale.body, stale.headers["stripe-signature"], endpoint.secret, tolerance=3600)


def test_failed_deliveries_are_retried_with_backoff(receiver):
    from stripesim import start_sim
    from tests.stripesim.conftest import fast_config

    with start_sim(fast_config(retry_base_seconds=0.15, retry_max_seconds=5)) as sim:
        client = sim.stripe_client()
        create_endpoint(client, receiver, ["customer.created"])
        receiver.fail_next = 3
        customer = client.v1.customers.create(params={"email": "a@example.org"})
        wait_until(lambda: len(receiver.received) == 1)
        assert receiver.attempts == 4
        delivery = sim.admin.wait_for_deliveries()[0]
    assert delivery["status"] == "succeeded" and delivery["attempts"] == 4
    assert [h["status"] for h in delivery["history"]] == [500, 500, 500, 200]
    gaps = [b["at"] - a["at"] for a, b in zip(delivery["history"], delivery["history"][1:])]
    # Exponential backoff: each wait is at least base * 2**n (load can only make it longer).
    for n, gap in enumerate(gaps):
        assert gap >= 0.15 * 2**n - 0.01, gaps
    assert receiver.events()[0]["data"]["object"]["id"] == customer.id


def test_delivery_gives_up_after_max_attempts(sim, client, receiver):
    create_endpoint(client, receiver, ["customer.created"])
    receiver.fail_next = 100
    client.v1.customers.create(params={"email": "a@example.org"})
    wait_until(lambda: sim.admin.deliveries(status="failed"), timeout=15)
    assert receiver.attempts == sim.sim.config.retry_max_attempts
    event = client.v1.events.list().data[0]
    assert event.pending_webhooks == 1


def test_retries_last_stripes_window_not_a_count(receiver):
    """Stripe retries for up to three days (https://docs.stripe.com/webhooks#retries): the
    default has no attempt limit, only the window counted from the first attempt (here
    shrunk to 1.2 s)."""
    from stripesim import SimConfig, start_sim

    assert SimConfig().retry_window_seconds == 3 * 24 * 3600 and SimConfig().retry_max_attempts is None
    config = SimConfig(retry_base_seconds=0.02, retry_max_seconds=0.05, retry_window_seconds=1.2, sweep_seconds=0.2)
    with start_sim(config) as sim:
        client = sim.stripe_client()
        create_endpoint(client, receiver, ["customer.created"])
        receiver.fail_next = 10_000
        client.v1.customers.create(params={"email": "a@example.org"})
        wait_until(lambda: sim.admin.deliveries(status="failed"), timeout=15)
        delivery = sim.admin.deliveries(status="failed")[0]
    history = delivery["history"]
    assert len(history) > 12  # far more than any fixed count of 8 in 1.2 s
    assert history[-1]["at"] - history[0]["at"] <= 1.2 + 0.5


def test_unreachable_endpoint_is_retried(sim, client):
    from sfpay.serving import free_port

    client.v1.webhook_endpoints.create(params={"url": f"http://127.0.0.1:{free_port()}/gone", "enabled_events": ["*"]})
    client.v1.customers.create(params={"email": "a@example.org"})
    wait_until(lambda: sim.admin.deliveries(status="failed"), timeout=15)
    delivery = sim.admin.deliveries(status="failed")[0]
    assert all(h["status"] is None and "Connect" in h["error"] for h in delivery["history"])


def test_only_enabled_events_are_delivered(client, receiver):
    create_endpoint(client, receiver, ["invoice.paid"])
    lifecycle(client)
    wait_until(lambda: len(receiver.received) == 1)
    time.sleep(0.2)
    assert receiver.types() == ["invoice.paid"]


def test_duplicates_switch(sim, client, receiver):
    create_endpoint(client, receiver, ["customer.created"])
    sim.admin.webhook_switches(duplicates=2)
    customer = client.v1.customers.create(params={"email": "a@example.org"})
    wait_until(lambda: len(receiver.received) == 3)
    events = receiver.events()
    assert len({e["id"] for e in events}) == 1 and events[0]["data"]["object"]["id"] == customer.id


def test_pause_and_release_in_reverse_order(sim, client, receiver):
    create_endpoint(client, receiver)
    sim.admin.webhook_switches(paused=True)
    lifecycle(client)
    time.sleep(0.3)
    assert receiver.received == []
    sim.admin.release_webhooks(order="reverse")
    expected = [e.type for e in client.v1.events.list(params={"limit": 100}).data]  # newest first
    wait_until(lambda: len(receiver.received) == len(expected))
    assert receiver.types() == expected


def test_shuffle_order_is_a_permutation(sim, client, receiver):
    create_endpoint(client, receiver)
    sim.admin.webhook_switches(paused=True, order="shuffle", shuffle_seed=7)
    lifecycle(client)
    sim.admin.release_webhooks()
    created = [e.type for e in reversed(client.v1.events.list(params={"limit": 100}).data)]
    wait_until(lambda: len(receiver.received) == len(created))
    assert sorted(receiver.types()) == sorted(created) and receiver.types() != created


def test_delay_switch(sim, client, receiver):
    create_endpoint(client, receiver, ["customer.created"])
    sim.admin.webhook_switches(delay_seconds=0.6)
    started = time.monotonic()
    client.v1.customers.create(params={"email": "a@example.org"})
    wait_until(lambda: len(receiver.received) == 1)
    assert time.monotonic() - started >= 0.55


def test_bad_switches_are_refused(sim):
    with pytest.raises(RuntimeError, match="Unknown webhook switch: reorder"):
        sim.admin.webhook_switches(reorder=True)
    with pytest.raises(RuntimeError, match="Invalid order"):
        sim.admin.webhook_switches(order="random")


def test_a_slow_endpoint_does_not_hold_up_others(sim, client, receiver):
    import threading

    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from sfpay.serving import start_in_thread

    release = threading.Event()

    async def slow(request):
        import asyncio

        while not release.is_set():
            await asyncio.sleep(0.02)
        return JSONResponse({})

    slow_server = start_in_thread(Starlette(routes=[Route("/slow", slow, methods=["POST"])]))
    try:
        client.v1.webhook_endpoints.create(
            params={"url": f"{slow_server.base_url}/slow", "enabled_events": ["customer.created"]}
        )
        create_endpoint(client, receiver, ["customer.created"])
        client.v1.customers.create(params={"email": "a@example.org"})
        wait_until(lambda: len(receiver.received) == 1, timeout=3)
        release.set()
        statuses = [d["status"] for d in sim.admin.wait_for_deliveries()]
        assert statuses == ["succeeded", "succeeded"]
    finally:
        release.set()
        slow_server.stop()


def test_every_stripe_event_type_can_be_subscribed(client, receiver):
    # A type the emulator never emits is still a Stripe event type: accepted, never delivered.
    assert create_endpoint(client, receiver, ["charge.succeeded"]).enabled_events == ["charge.succeeded"]
