"""Fixtures: the emulator and a webhook receiver, each on its own free loopback port."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import pytest
import stripe
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sfpay.serving import start_in_thread
from stripesim import SimConfig, start_sim


def fast_config(**overrides) -> SimConfig:
    values = {"retry_base_seconds": 0.05, "retry_max_seconds": 0.2, "retry_max_attempts": 6, "sweep_seconds": 0.2}
    values.update(overrides)
    return SimConfig(**values)


@pytest.fixture(scope="session")
def shared_sim():
    with start_sim(fast_config()) as running:
        yield running


@pytest.fixture
def sim(shared_sim):
    """The shared emulator, emptied: `/_sim/reset` drops the account's data, switches and faults."""
    shared_sim.admin.reset()
    shared_sim.admin.set_rate_limit(None)
    return shared_sim


@pytest.fixture
def client(sim) -> stripe.StripeClient:
    return sim.stripe_client()


@dataclass
class Received:
    body: str
    headers: dict[str, str]

    @property
    def event(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook endpoint that records what it gets; `fail_next` answers 500 that many times."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    fail_next: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self) -> list[dict]:
        with self.lock:
            return [r.event for r in self.received]

    def types(self) -> list[str]:
        return [e["type"] for e in self.events()]


@pytest.fixture
def receiver():
    state = Receiver()

    async def hook(request: Request):
        body = (await request.body()).decode("utf-8")
        with state.lock:
            state.attempts += 1
            if state.fail_next > 0:
                state.fail_next -= 1
                return JSONResponse({"error": "temporarily broken"}, status_code=500)
            state.received.append(Received(body, dict(request.headers)))
        return JSONResponse({"received": True})

    server = start_in_thread(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))
    state.url = f"{server.base_url}/hook"
    try:
        yield state
    finally:
        server.stop()


def make_invoice(client: stripe.StripeClient, amount: int = 5000, **invoice_params):
    customer = client.v1.customers.create(params={"email": "donor@example.org", "name": "Donor"})
    params = {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    params.update(invoice_params)
    invoice = client.v1.invoices.create(params=params)
    client.v1.invoice_items.create(
        params={
            "customer": customer.id,
            "invoice": invoice.id,
            "amount": amount,
            "currency": "usd",
            "description": "Gift",
        }
    )
    return customer, invoice
