"""Fault injection and the optional rate limit."""

from __future__ import annotations

import time

import pytest
import stripe


def test_nth_request_fails_with_500(sim, client):
    sim.admin.add_fault(method="POST", path="/v1/customers", fault="500", nth=2)
    client.v1.customers.create(params={"email": "one@example.org"})
    with pytest.raises(stripe.APIError) as caught:
        client.v1.customers.create(params={"email": "two@example.org"})
    assert caught.value.http_status == 500 and caught.value.error.type == "api_error"
    client.v1.customers.create(params={"email": "three@example.org"})
    assert [c.email for c in client.v1.customers.list().data] == ["three@example.org", "one@example.org"]
    rule = sim.admin.faults()[0]
    assert rule["seen"] == 3 and rule["fired"] == 1


def test_sdk_retries_recover_from_a_500(sim):
    sim.admin.add_fault(method="POST", path="/v1/customers", fault="500", count=2)
    client = sim.stripe_client(max_network_retries=3)
    customer = client.v1.customers.create(params={"email": "retry@example.org"})
    assert customer.email == "retry@example.org"
    assert len(client.v1.customers.list().data) == 1


def test_glob_paths_and_429(sim, client):
    from tests.stripesim.conftest import make_invoice

    _, invoice = make_invoice(client)
    sim.admin.add_fault(method="POST", path="/v1/invoices/*/finalize", fault="429")
    with pytest.raises(stripe.RateLimitError) as caught:
        client.v1.invoices.finalize_invoice(invoice.id)
    assert caught.value.http_status == 429 and caught.value.error.code == "rate_limit"
    assert client.v1.invoices.retrieve(invoice.id).status == "draft"
    assert client.v1.invoices.finalize_invoice(invoice.id).status == "open"


def test_timeout_after_processing_then_idempotent_retry(sim):
    sim.admin.add_fault(method="POST", path="/v1/customers", fault="timeout", seconds=1.5, after_processing=True)
    client = sim.stripe_client(http_client=stripe.RequestsClient(timeout=0.3))
    with pytest.raises(stripe.APIConnectionError):
        client.v1.customers.create(params={"email": "slow@example.org"}, options={"idempotency_key": "slow-1"})
    # The request was executed before the answer got lost; the retry is a replay.
    retried = client.v1.customers.create(params={"email": "slow@example.org"}, options={"idempotency_key": "slow-1"})
    assert retried.last_response.headers["Idempotent-Replayed"] == "true"
    assert len(client.v1.customers.list().data) == 1


def test_timeout_before_processing_executes_nothing(sim):
    sim.admin.add_fault(method="POST", path="/v1/customers", fault="timeout", seconds=0.8)
    client = sim.stripe_client(http_client=stripe.RequestsClient(timeout=0.3))
    with pytest.raises(stripe.APIConnectionError):
        client.v1.customers.create(params={"email": "lost@example.org"})
    time.sleep(0.7)
    assert client.v1.customers.list().data == []


def test_bad_fault_rules_are_refused(sim):
    with pytest.raises(RuntimeError, match="Invalid fault"):
        sim.admin.add_fault(path="/v1/customers", fault="503")
    with pytest.raises(RuntimeError, match="Invalid nth"):
        sim.admin.add_fault(path="/v1/customers", fault="500", nth=0)
    sim.admin.add_fault(path="/v1/customers", fault="500")
    sim.admin.clear_faults()
    assert sim.admin.faults() == []


def test_rate_limit(sim, client):
    sim.admin.set_rate_limit(5)
    statuses = []
    for _ in range(12):
        try:
            client.v1.customers.list()
            statuses.append(200)
        except stripe.RateLimitError as error:
            assert error.error.code == "rate_limit" and error.error.type == "invalid_request_error"
            statuses.append(error.http_status)
    assert statuses[:5] == [200] * 5 and 429 in statuses[5:]
    sim.admin.set_rate_limit(None)
    client.v1.customers.list()


def test_rate_limiter_window():
    from stripesim.http.ratelimit import RateLimiter

    now = [100.0]
    limiter = RateLimiter(25, now=lambda: now[0])
    assert all(limiter.allow("acct") for _ in range(25))
    assert not limiter.allow("acct") and limiter.allow("other")
    now[0] += 0.5
    assert not limiter.allow("acct")
    now[0] += 0.51
    assert limiter.allow("acct")


def test_rate_limit_from_config():
    from stripesim import SimConfig, start_sim

    with start_sim(SimConfig(rate_limit=2)) as running:
        client = running.stripe_client()
        client.v1.customers.list()
        client.v1.customers.list()
        with pytest.raises(stripe.RateLimitError):
            client.v1.customers.list()
        time.sleep(1.05)
        client.v1.customers.list()


# -- a chosen Stripe error on exactly one chosen step (e.g. "reissue fails midway") -------------------------------

STEPS = {
    "create": ("POST", "/v1/invoices"),
    "item": ("POST", "/v1/invoiceitems"),
    "finalize": ("POST", "/v1/invoices/*/finalize"),
    "send": ("POST", "/v1/invoices/*/send"),
    "void": ("POST", "/v1/invoices/*/void"),
}


def _reissue(client, customer_id: str, old_id: str) -> str:
    new = client.v1.invoices.create(
        params={"customer": customer_id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    client.v1.invoice_items.create(params={"customer": customer_id, "invoice": new.id, "amount": 700})
    client.v1.invoices.finalize_invoice(new.id)
    client.v1.invoices.send_invoice(new.id)
    client.v1.invoices.void_invoice(old_id)
    return new.id


@pytest.mark.parametrize("step", sorted(STEPS))
def test_one_chosen_step_fails_with_a_chosen_stripe_error(sim, client, step):
    from tests.stripesim.conftest import make_invoice

    customer, old = make_invoice(client)
    client.v1.invoices.finalize_invoice(old.id)
    method, path = STEPS[step]
    rule = sim.admin.add_fault(
        method=method,
        path=path,
        fault="error",
        status=400,
        type="invalid_request_error",
        code="resource_missing",
        param="invoice",
        message=f"injected at {step}",
    )
    with pytest.raises(stripe.InvalidRequestError) as caught:
        _reissue(client, customer.id, old.id)
    error = caught.value
    assert (error.http_status, error.code, error.param, error.error.message) == (
        400,
        "resource_missing",
        "invoice",
        f"injected at {step}",
    )
    assert error.error.type == "invalid_request_error"
    # The failed step did nothing; the earlier ones did; the old invoice is still open unless void succeeded.
    assert client.v1.invoices.retrieve(old.id).status == "open"
    assert sim.admin.faults()[0]["fired"] == 1 and sim.admin.faults()[0]["id"] == rule["id"]
    # Exactly one request failed: the same step works on the next try.
    new_id = _reissue(client, customer.id, old.id)
    assert client.v1.invoices.retrieve(new_id).status == "open"
    assert client.v1.invoices.retrieve(old.id).status == "void"


def test_the_nth_finalize_fails_with_a_card_error_shape(sim, client):
    from tests.stripesim.conftest import make_invoice

    first, second = make_invoice(client)[1], make_invoice(client)[1]
    sim.admin.add_fault(
        method="POST",
        path="/v1/invoices/*/finalize",
        nth=2,
        fault="error",
        status=402,
        type="card_error",
        code="card_declined",
        decline_code="insufficient_funds",
        message="Your card has insufficient funds.",
    )
    client.v1.invoices.finalize_invoice(first.id)
    with pytest.raises(stripe.CardError) as caught:
        client.v1.invoices.finalize_invoice(second.id)
    assert caught.value.http_status == 402 and caught.value.error.decline_code == "insufficient_funds"
    assert client.v1.invoices.finalize_invoice(second.id).status == "open"


@pytest.mark.parametrize(
    "rule, complaint",
    [
        ({"fault": "error"}, "message"),
        ({"fault": "error", "message": "x", "status": 200}, "status"),
        ({"fault": "error", "message": "x", "type": "made_up_error"}, "type"),
        ({"fault": "500", "message": "x"}, "message"),
        ({"fault": "error", "message": "x", "after_processing": True}, "after_processing"),
    ],
)
def test_error_rules_are_checked(sim, rule, complaint):
    with pytest.raises(RuntimeError) as caught:
        sim.admin._call("POST", "/_sim/faults", {"method": "POST", "path": "/v1/invoices", **rule})
    assert complaint in str(caught.value)
