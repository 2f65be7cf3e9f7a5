"""sfpay's Stripe clients use the SDK's synchronous transport only.

`stripe.StripeClient(...)` also builds an httpx client for the SDK's async methods, and with it a
TLS context that loads the SDK's CA file (stripe/data/ca-certificates.crt): 25-45 ms per client
here, for a transport sfpay never uses. The SDK skips it when given its `http_client`
(stripe-python's StripeClient: "http_client: ... the HTTP client to use").
"""

from __future__ import annotations

import ssl

import stripe

from sfpay.stripe_client import sync_stripe_client


def _ca_loads(monkeypatch) -> list[object]:
    calls: list[object] = []
    original = ssl.SSLContext.load_verify_locations

    def counted(self, cafile=None, capath=None, cadata=None):
        calls.append(cafile or capath)
        return original(self, cafile, capath, cadata)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)
    return calls


def test_the_sdks_default_client_loads_a_ca_file_when_it_is_made(monkeypatch):
    calls = _ca_loads(monkeypatch)
    stripe.StripeClient("sk_test_x", base_addresses={"api": "http://127.0.0.1:1"})
    assert len(calls) == 1, calls  # why sync_stripe_client exists; if this fails, the SDK changed


def test_ours_loads_none_and_talks_to_stripe_over_http(monkeypatch):
    from stripesim.running import start_sim

    with start_sim() as sim:
        calls = _ca_loads(monkeypatch)
        client = sync_stripe_client(sim.api_key, base_addresses={"api": sim.base_url}, max_network_retries=2)
        assert calls == []
        customer = client.v1.customers.create({"email": "payer@example.org"})
        assert client.v1.customers.retrieve(customer.id).email == "payer@example.org"
        assert calls == []  # plain HTTP to the emulator: no TLS at all
