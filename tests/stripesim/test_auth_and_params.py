"""Authentication, Stripe-style parameter errors (nothing stored), unknown URLs."""

from __future__ import annotations

import base64

import httpx
import pytest
import stripe

from stripesim import SimConfig, start_sim


def test_missing_key(sim):
    response = httpx.get(sim.base_url + "/v1/customers")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and "did not provide an API key" in error["message"]


def test_wrong_key_is_masked_in_the_message(sim):
    client = sim.stripe_client("sk_test_wrongwrongwrong1234")
    with pytest.raises(stripe.AuthenticationError) as caught:
        client.v1.customers.list()
    assert caught.value.http_status == 401
    assert "1234" in caught.value.user_message and "wrongwrong" not in caught.value.user_message


def test_live_key_is_refused(sim):
    with pytest.raises(stripe.AuthenticationError, match="live-mode"):
        sim.stripe_client("sk_live_abcdefabcdef").v1.customers.list()
    with pytest.raises(ValueError, match="live-mode"):
        SimConfig(api_keys=("sk_live_abcdef",))


def test_basic_auth_as_curl_sends_it(sim):
    token = base64.b64encode(f"{sim.api_key}:".encode()).decode()
    response = httpx.get(sim.base_url + "/v1/customers", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 200 and response.json()["object"] == "list"


def test_data_is_kept_per_key():
    keys = ("sk_test_first_account_000000000", "sk_test_second_account_00000000")
    with start_sim(SimConfig(api_keys=keys)) as running:
        first, second = running.stripe_client(keys[0]), running.stripe_client(keys[1])
        customer = first.v1.customers.create(params={"email": "a@example.org"})
        assert second.v1.customers.list().data == []
        with pytest.raises(stripe.InvalidRequestError) as caught:
            second.v1.customers.retrieve(customer.id)
        assert caught.value.http_status == 404
        with pytest.raises(stripe.AuthenticationError):
            running.stripe_client("sk_test_stripesim_0000000000000000000000000000").v1.customers.list()


@pytest.mark.parametrize(
    ("path", "params", "param", "code", "fragment"),
    [
        ("/v1/customers", {"emial": "x@example.org"}, "emial", "parameter_unknown", "Received unknown parameter"),
        ("/v1/customers", {"email": "not-an-email"}, "email", "email_invalid", "Invalid email"),
        (
            "/v1/customers",
            {"metadata": {"k": {"nested": "x"}}},
            "metadata[k]",
            "parameter_invalid_string",
            "must be strings",
        ),
        ("/v1/invoices", {}, "customer", "parameter_missing", "Missing required param: customer."),
        ("/v1/invoices", {"customer": "cus_missing"}, "customer", "resource_missing", "No such customer"),
        (
            "/v1/invoiceitems",
            {"customer": "cus_x", "amount": "12.50"},
            "amount",
            "parameter_invalid_integer",
            "Invalid integer: 12.50",
        ),
        ("/v1/invoiceitems", {"customer": "cus_x"}, "amount", "parameter_missing", "amount"),
        (
            "/v1/invoiceitems",
            {"customer": "cus_x", "amount": "1", "currency": "USD"},
            "currency",
            "parameter_invalid_string",
            "Invalid currency",
        ),
        (
            "/v1/test_helpers/test_clocks",
            {"frozen_time": "soon"},
            "frozen_time",
            "parameter_invalid_integer",
            "Invalid integer",
        ),
    ],
)
def test_bad_parameters_get_clear_errors_and_store_nothing(client, path, params, param, code, fragment):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.raw_request("post", path, **params)
    error = caught.value
    assert error.http_status == 400 and error.param == param and error.code == code
    assert fragment in error.user_message
    assert client.v1.customers.list().data == [] and client.v1.events.list().data == []


def test_invoice_collection_rules(client):
    customer = client.v1.customers.create(params={"email": "a@example.org"})
    cases = [
        ({"collection_method": "send_invoice"}, "days_until_due"),
        ({"collection_method": "charge_automatically", "days_until_due": 30}, "days_until_due"),
        ({"collection_method": "send_invoice", "days_until_due": 3, "due_date": 4_000_000_000}, "due_date"),
        ({"collection_method": "send_invoice", "due_date": 1}, "due_date"),
        ({"collection_method": "wire"}, "collection_method"),
        ({"auto_advance": "yes"}, "auto_advance"),
    ]
    for params, param in cases:
        with pytest.raises(stripe.InvalidRequestError) as caught:
            client.v1.invoices.create(params={"customer": customer.id, **params})
        assert caught.value.param == param, params
    assert client.v1.invoices.list().data == []


def test_unknown_payment_method(client):
    from tests.stripesim.conftest import make_invoice

    _, invoice = make_invoice(client)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_unknown"})
    assert caught.value.param == "payment_method" and caught.value.code == "resource_missing"
    assert client.v1.invoices.retrieve(invoice.id).status == "draft"


def test_unknown_url_and_method(sim):
    headers = {"Authorization": f"Bearer {sim.api_key}"}
    response = httpx.get(sim.base_url + "/v1/charges", headers=headers)
    assert (
        response.status_code == 404
        and "Unrecognized request URL (GET: /v1/charges)" in response.json()["error"]["message"]
    )
    assert httpx.delete(sim.base_url + "/v1/events", headers=headers).status_code == 404


def test_json_bodies_are_refused(sim):
    response = httpx.post(
        sim.base_url + "/v1/customers",
        json={"email": "a@example.org"},
        headers={"Authorization": f"Bearer {sim.api_key}"},
    )
    assert response.status_code == 400 and "unsupported Content-Type" in response.json()["error"]["message"]


def test_bad_api_version_header(sim):
    response = httpx.get(
        sim.base_url + "/v1/customers",
        headers={"Authorization": f"Bearer {sim.api_key}", "Stripe-Version": "yesterday"},
    )
    assert response.status_code == 400 and "Invalid Stripe API version" in response.json()["error"]["message"]
