"""Idempotency keys: replay, mismatch, errors replayed, validation errors not saved, expiry."""

from __future__ import annotations

import httpx
import pytest
import stripe

from tests.stripesim.conftest import make_invoice


def raw_post(sim, path: str, data: dict, key: str | None, api_key: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {api_key or sim.api_key}"}
    if key:
        headers["Idempotency-Key"] = key
    return httpx.post(sim.base_url + path, data=data, headers=headers)


def test_replay_returns_the_first_response(sim, client):
    first = raw_post(sim, "/v1/customers", {"email": "a@example.org"}, "key-1")
    second = raw_post(sim, "/v1/customers", {"email": "a@example.org"}, "key-1")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Original-Request"] == first.headers["Request-Id"]
    assert len(client.v1.customers.list().data) == 1
    assert len(client.v1.events.list(params={"type": "customer.created"}).data) == 1


def test_sdk_idempotency_key_option(client):
    a = client.v1.customers.create(params={"name": "X"}, options={"idempotency_key": "sdk-key"})
    b = client.v1.customers.create(params={"name": "X"}, options={"idempotency_key": "sdk-key"})
    assert a.id == b.id
    assert b.last_response.headers["Idempotent-Replayed"] == "true"


def test_same_key_different_parameters_is_an_idempotency_error(sim, client):
    raw_post(sim, "/v1/customers", {"email": "a@example.org"}, "key-2")
    with pytest.raises(stripe.IdempotencyError) as caught:
        client.v1.customers.create(params={"email": "b@example.org"}, options={"idempotency_key": "key-2"})
    assert caught.value.http_status == 400
    assert caught.value.error.type == "idempotency_error"
    assert "same parameters" in caught.value.user_message
    response = raw_post(sim, "/v1/invoices", {"customer": "cus_x"}, "key-2")
    assert response.status_code == 400 and "same endpoint" in response.json()["error"]["message"]
    assert len(client.v1.customers.list().data) == 1


def test_errors_are_replayed(sim, client):
    _, invoice = make_invoice(client)
    client.v1.invoices.finalize_invoice(invoice.id)
    path = f"/v1/invoices/{invoice.id}/pay"
    first = raw_post(sim, path, {"payment_method": "pm_card_chargeDeclined"}, "pay-1")
    second = raw_post(sim, path, {"payment_method": "pm_card_chargeDeclined"}, "pay-1")
    assert first.status_code == second.status_code == 402
    assert first.json() == second.json() and first.json()["error"]["code"] == "card_declined"
    assert second.headers["Idempotent-Replayed"] == "true"
    # The replay did not attempt a second charge.
    assert client.v1.invoices.retrieve(invoice.id).attempt_count == 1
    assert len(client.v1.events.list(params={"type": "invoice.payment_failed"}).data) == 1


def test_validation_errors_are_not_saved(sim, client):
    bad = raw_post(sim, "/v1/customers", {"emial": "typo@example.org"}, "key-3")
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "emial"
    good = raw_post(sim, "/v1/customers", {"email": "typo@example.org"}, "key-3")
    assert good.status_code == 200 and "Idempotent-Replayed" not in good.headers


def test_keys_expire_after_24_hours_of_emulated_time(sim, client):
    first = raw_post(sim, "/v1/customers", {"email": "a@example.org"}, "key-4")
    sim.admin.advance_clock(23 * 3600)
    assert raw_post(sim, "/v1/customers", {"email": "a@example.org"}, "key-4").headers["Idempotent-Replayed"]
    sim.admin.advance_clock(3600)
    third = raw_post(sim, "/v1/customers", {"email": "a@example.org"}, "key-4")
    assert third.status_code == 200 and "Idempotent-Replayed" not in third.headers
    assert third.json()["id"] != first.json()["id"]
    # Expired keys may even be reused with other parameters.
    assert raw_post(sim, "/v1/customers", {"email": "c@example.org"}, "key-5").status_code == 200


def test_expired_keys_are_purged(sim):
    from stripesim.http.idempotency import purge_expired

    raw_post(sim, "/v1/customers", {"email": "a@example.org"}, "old-key")
    account = sim.sim.account_ids()[0]
    assert sim.sim.operate(account, purge_expired) == 0
    sim.admin.advance_clock(24 * 3600)
    raw_post(sim, "/v1/customers", {"email": "b@example.org"}, "new-key")
    assert sim.sim.operate(account, purge_expired) == 1
    assert raw_post(sim, "/v1/customers", {"email": "b@example.org"}, "new-key").headers["Idempotent-Replayed"]


def test_keys_are_per_account(tmp_path):
    from stripesim import SimConfig, start_sim

    keys = ("sk_test_account_one_0000000000", "sk_test_account_two_0000000000")
    with start_sim(SimConfig(api_keys=keys)) as running:
        one = raw_post(running, "/v1/customers", {"email": "a@example.org"}, "shared", keys[0])
        two = raw_post(running, "/v1/customers", {"email": "b@example.org"}, "shared", keys[1])
        assert one.status_code == two.status_code == 200 and "Idempotent-Replayed" not in two.headers


def test_get_requests_ignore_idempotency(sim, client):
    customer = client.v1.customers.create(params={"email": "a@example.org"})
    headers = {"Authorization": f"Bearer {sim.api_key}", "Idempotency-Key": "get-key"}
    for _ in range(2):
        response = httpx.get(f"{sim.base_url}/v1/customers/{customer.id}", headers=headers)
        assert response.status_code == 200 and "Idempotent-Replayed" not in response.headers


def test_injected_clock_drives_created_and_expiry():
    import stripe as stripe_sdk

    from sfpay.serving import serving
    from stripesim import SimConfig, create_app
    from stripesim.clock import SimClock
    from stripesim.engine import Simulator

    now = [1_800_000_000.0]
    simulator = Simulator(SimConfig(), clock=SimClock(now_fn=lambda: now[0]))
    with serving(create_app(sim=simulator)) as server:
        client = stripe_sdk.StripeClient(
            simulator.config.api_keys[0], base_addresses={"api": server.base_url}, max_network_retries=0
        )
        first = client.v1.customers.create(params={"name": "A"}, options={"idempotency_key": "k"})
        assert first.created == 1_800_000_000
        now[0] += 86399
        assert client.v1.customers.create(params={"name": "A"}, options={"idempotency_key": "k"}).id == first.id
        now[0] += 1
        assert client.v1.customers.create(params={"name": "A"}, options={"idempotency_key": "k"}).id != first.id
    simulator.close()
