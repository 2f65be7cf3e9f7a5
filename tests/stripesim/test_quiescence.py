"""`GET /_sim/quiescence` over real HTTP: busy while a webhook delivery is pending (paused,
due, or waiting for a retry) or invoice work is due, quiescent once it is delivered."""

from __future__ import annotations

import httpx

from tests.stripesim.conftest import make_invoice
from tests.stripesim.test_webhooks import create_endpoint, wait_until


def quiescence(sim) -> dict:
    return sim.admin.quiescence()


def test_an_empty_account_is_quiescent(sim):
    state = quiescence(sim)
    assert state["object"] == "sim_quiescence"
    assert state["quiescent"] is True
    assert state["deliveries_pending"] == 0 and state["deliveries_due"] == 0
    assert state["next_delivery_in_seconds"] is None


def test_a_pending_delivery_is_busy_until_it_is_delivered(sim, client, receiver):
    create_endpoint(client, receiver, ["customer.created"])
    sim.admin.webhook_switches(paused=True)
    client.v1.customers.create(params={"email": "a@example.org"})
    held = quiescence(sim)
    # Paused, but counted: a delivery may have left before the pause.
    assert held["quiescent"] is False and held["deliveries_pending"] == 1 and held["deliveries_due"] == 1
    assert held["deliveries_paused"] is True and held["next_delivery_in_seconds"] == 0
    sim.admin.release_webhooks()
    wait_until(lambda: len(receiver.received) == 1)
    wait_until(lambda: quiescence(sim)["quiescent"])
    assert quiescence(sim)["deliveries_pending"] == 0


def test_a_delivery_waiting_for_its_retry_says_when(sim, client, receiver):
    create_endpoint(client, receiver, ["customer.created"])
    receiver.fail_next = 1
    client.v1.customers.create(params={"email": "a@example.org"})
    wait_until(lambda: receiver.attempts >= 1)
    wait_until(lambda: quiescence(sim)["deliveries_due"] == 0 or receiver.received)
    if not receiver.received:  # the retry (0.05 s in the test config) may already have gone out
        state = quiescence(sim)
        assert state["quiescent"] is False and state["deliveries_pending"] == 1
        assert 0 <= state["next_delivery_in_seconds"] <= 0.05
    wait_until(lambda: len(receiver.received) == 1)
    wait_until(lambda: quiescence(sim)["quiescent"])


def test_a_delayed_delivery_reports_its_wall_time(sim, client, receiver):
    create_endpoint(client, receiver, ["customer.created"])
    sim.admin.webhook_switches(delay_seconds=30)
    client.v1.customers.create(params={"email": "a@example.org"})
    state = quiescence(sim)
    assert state["quiescent"] is False and state["deliveries_due"] == 0
    assert 25 < state["next_delivery_in_seconds"] <= 30


def test_invoice_work_on_the_account_clock_is_reported(sim, client):
    _, invoice = make_invoice(client, auto_advance=True)  # auto-finalization is watched
    state = quiescence(sim)
    assert state["next_due_work_at"] is not None and state["next_due_work_at"] > state["now"]
    assert state["quiescent"] is True  # due later on the account clock: nothing happens now
    sim.admin.advance_clock(state["next_due_work_at"] - state["now"] + 1)
    assert client.v1.invoices.retrieve(invoice.id).status == "open"


def test_the_endpoint_needs_a_key_and_takes_no_parameters(sim):
    anonymous = httpx.get(f"{sim.base_url}/_sim/quiescence")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["type"] == "invalid_request_error"
    with httpx.Client(base_url=sim.base_url, headers={"Authorization": f"Bearer {sim.api_key}"}) as http:
        refused = http.get("/_sim/quiescence", params={"within": "1"})
    assert refused.status_code == 400 and refused.json()["error"]["param"] == "within"
