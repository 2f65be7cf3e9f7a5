"""A real org server (orgsim over HTTPS, the generated force-app deployed, flows active) wired
to a real stripesim with a webhook endpoint, and the clients reconcile uses: simple-salesforce
and the stripe SDK over HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sfpay.paths import PROJECT_ROOT
from sfpay.serving import free_port

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@dataclass
class World:
    sf: Any
    stripe: Any
    sim: Any
    org: Any
    endpoint_id: str
    base: str

    def advance(self, minutes: float = 2) -> None:
        """Move the org clock: the flows' Stripe path runs one minute after each save."""
        response = self.sf.session.post(
            f"{self.base}/_orgsim/clock", json={"seconds": minutes * 60}, headers=self.sf.headers, timeout=60
        )
        assert response.status_code < 300, response.text

    def webhooks(self, enabled: bool) -> None:
        self.stripe.v1.webhook_endpoints.update(self.endpoint_id, {"disabled": not enabled})

    def opportunity(self, name: str, amount: int = 250) -> str:
        account = self.sf.Account.create({"Name": f"{name} Account"})["id"]
        opp = self.sf.Opportunity.create(
            {
                "Name": name,
                "StageName": "Proposal/Price Quote",
                "CloseDate": "2026-12-31",
                "Amount": amount,
                "AccountId": account,
            }
        )["id"]
        contact = self.sf.Contact.create(
            {"LastName": "Payer", "Email": f"{name.lower().replace(' ', '.')}@example.org", "AccountId": account}
        )["id"]
        self.sf.OpportunityContactRole.create({"OpportunityId": opp, "ContactId": contact, "IsPrimary": True})
        return opp

    def invoiced(self, name: str, amount: int = 250) -> tuple[str, str]:
        opp = self.opportunity(name, amount)
        self.advance()
        invoice = self.sf.Opportunity.get(opp)["Stripe_Invoice_ID__c"]
        assert invoice, f"no invoice for {name}"
        return opp, invoice

    def get(self, opp: str) -> dict[str, Any]:
        return self.sf.Opportunity.get(opp)

    def wait_deliveries(self) -> None:
        from stripesim.running import SimAdmin

        admin = SimAdmin(self.sim.base_url, self.sim.api_key)
        try:
            admin.wait_for_deliveries()
        finally:
            admin.close()


@pytest.fixture
def world(tmp_path, monkeypatch) -> Iterator[World]:
    import stripe
    from simple_salesforce import Salesforce

    from orgsim import Clock, Org, StripeConfig
    from orgsim.server.app import create_app
    from orgsim.server.config import ServerConfig
    from orgsim.server.running import start_in_thread
    from orgsim.server.sessions import SessionIssuer
    from orgsim.server.tls import ca_bundle, ca_certs_dir, ensure_certificate
    from stripesim.running import start

    cert, key = ensure_certificate(tmp_path / "tls")
    ca_bundle(cert.parent, cert)
    bundle = str(ca_certs_dir(cert.parent))  # the hashed CA directory, as the stack uses it
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", bundle)
    monkeypatch.setenv("SSL_CERT_DIR", bundle)  # stripesim delivers with httpx
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    sim = start()
    org = Org.open(":memory:", clock=Clock(START), stripe=StripeConfig(api_base=sim.base_url, api_key=sim.api_key))
    org.deploy_source(PROJECT_ROOT)
    org.insert("stripeGC__Stripe_Account__c", [{"Name": "CT Nonprofit Alliance"}])
    port = free_port()
    client = stripe.StripeClient(sim.api_key, base_addresses={"api": sim.base_url})
    endpoint = client.v1.webhook_endpoints.create(
        {
            "url": f"https://127.0.0.1:{port}/services/apexrest/stripeGC/webhook",
            "enabled_events": [
                "invoice.paid",
                "invoice.payment_succeeded",
                "invoice.payment_failed",
                "invoice.voided",
                "invoice.marked_uncollectible",
            ],
            "api_version": "2025-04-30.basil",
        }
    )
    config = ServerConfig(
        instance_url=f"https://127.0.0.1:{port}",
        password="orgsim-pass",
        security_token="TOKEN123",
        webhook_secret=endpoint.secret,
    )
    server = start_in_thread(create_app(org, config), port, cert, key)
    token, _ = SessionIssuer(config).issue(config.username)
    sf = Salesforce(session_id=token, instance_url=config.instance_url, version="66.0")
    try:
        yield World(sf=sf, stripe=client, sim=sim, org=org, endpoint_id=endpoint.id, base=config.instance_url)
    finally:
        server.stop()
        sim.stop()
