"""Parameter edge cases from issue 14 #13: order-independent idempotency, non-ASCII digits, currencies."""

from __future__ import annotations

import httpx
import pytest


def _post(sim, path: str, body: str, key: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {sim.api_key}", "Content-Type": "application/x-www-form-urlencoded"}
    if key:
        headers["Idempotency-Key"] = key
    return httpx.post(f"{sim.base_url}{path}", content=body.encode("utf-8"), headers=headers)


def test_idempotency_fingerprint_ignores_parameter_order(sim):
    first = _post(sim, "/v1/customers", "email=a%40example.org&name=Ada&metadata[x]=1&metadata[y]=2", key="order-1")
    again = _post(sim, "/v1/customers", "metadata[y]=2&name=Ada&metadata[x]=1&email=a%40example.org", key="order-1")
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]


def test_non_ascii_digit_keys_do_not_crash(sim):
    answer = _post(sim, "/v1/customers", "metadata[%C2%B2]=x")
    assert answer.status_code < 500
    answer = _post(sim, "/v1/webhook_endpoints", "url=http%3A%2F%2Fx.test&enabled_events[%C2%B2]=invoice.paid")
    assert answer.status_code == 400


@pytest.mark.parametrize("value", ["%D9%A1%D9%A2", "%EF%BC%91%EF%BC%92", "1%E2%80%872"])  # ١٢, １２, 1 2
def test_non_ascii_digits_are_not_integers(sim, client, value):
    customer = client.v1.customers.create(params={"email": "a@example.org"})
    answer = _post(sim, "/v1/invoiceitems", f"customer={customer.id}&amount={value}")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "parameter_invalid_integer"
    assert answer.json()["error"]["param"] == "amount"


@pytest.mark.parametrize(
    "currency, ok", [("usd", True), ("eur", True), ("jpy", True), ("zzz", False), ("USD", False), ("xts", False)]
)
def test_currency_must_be_one_stripe_supports(sim, client, currency, ok):
    customer = client.v1.customers.create(params={"email": "a@example.org"})
    answer = _post(sim, "/v1/invoiceitems", f"customer={customer.id}&amount=100&currency={currency}")
    assert (answer.status_code == 200) is ok
    if not ok:
        assert answer.json()["error"]["param"] == "currency"
        assert answer.json()["error"]["message"].startswith(f"Invalid currency: {currency}")
