"""A real org server over HTTPS on a free port, and the credentials the clients use."""

from __future__ import annotations

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from orgsim.server.app import create_app
from orgsim.server.config import ServerConfig
from orgsim.server.running import start_in_thread
from orgsim.server.tls import ensure_certificate
from sfpay.local.deploy_checks import validator_check
from sfpay.serving import free_port

# As `sfpay org serve` assembles the server (sfpay/local/org_serve.py): the validator checks deploys.
DEPLOY_CHECKS = (validator_check,)


@pytest.fixture(scope="session")
def rsa_key_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    return ensure_certificate(tmp_path_factory.mktemp("tls"))


def make_config(port: int, public_pem: bytes | None, **overrides) -> ServerConfig:
    return ServerConfig(
        instance_url=f"https://127.0.0.1:{port}",
        password="orgsim-pass",
        security_token="TOKEN123",
        jwt_public_key_pem=public_pem,
        **overrides,
    )


@pytest.fixture
def served(tls_files, rsa_key_pair):
    """Start a server over `org` (None for the protocol-only tests); yields a factory."""
    running = []

    def start(org=None, **overrides):
        port = free_port()
        config = make_config(port, rsa_key_pair[1], **overrides)
        server = start_in_thread(create_app(org, config, deploy_checks=DEPLOY_CHECKS), port, *tls_files)
        running.append(server)
        return server, config

    yield start
    for server in running:
        server.stop()


@pytest.fixture
def https(tls_files, monkeypatch):
    """Trust the org server the way sfpay's clients do: REQUESTS_CA_BUNDLE = the public roots +
    the org's certificate, as OpenSSL's hashed CA directory (requests lets that variable override
    a session's `verify`; the bundle file would be parsed whole on every new connection)."""
    from orgsim.server.tls import ca_bundle, ca_certs_dir

    ca_bundle(tls_files[0].parent, tls_files[0])
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca_certs_dir(tls_files[0].parent)))
    session = requests.Session()
    yield session
    session.close()


@pytest.fixture
def org_server(served, https):
    """A real in-memory org behind the server, and a simple-salesforce client logged in to it."""
    from simple_salesforce import Salesforce, SalesforceLogin

    from orgsim import Org

    org = Org.open(":memory:")
    server, config = served(org)
    session_id, _ = SalesforceLogin(
        username=config.username,
        password=config.password,
        security_token=config.security_token,
        scratch_url=config.instance_url,
        session=https,
        sf_version="66.0",
    )
    sf = Salesforce(session_id=session_id, instance_url=config.instance_url, session=https, version="66.0")
    yield server, config, org, sf


@pytest.fixture
def stack(https, tls_files, monkeypatch, served):
    """stripesim + an org connected to it + a webhook endpoint pointing at the org's listener."""
    import stripe
    from simple_salesforce import Salesforce

    from orgsim import Org, StripeConfig
    from orgsim.server.sessions import SessionIssuer
    from orgsim.server.tls import ca_bundle
    from stripesim.running import start

    # stripesim delivers webhooks with httpx, which trusts SSL_CERT_FILE: our CA bundle.
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_bundle(tls_files[0].parent, tls_files[0])))
    sim = start()
    org = Org.open(":memory:", stripe=StripeConfig(api_base=sim.base_url, api_key=sim.api_key))
    port = free_port()
    client = stripe.StripeClient(sim.api_key, base_addresses={"api": sim.base_url})
    endpoint = client.webhook_endpoints.create(
        params={
            "url": f"https://127.0.0.1:{port}/services/apexrest/stripeGC/webhook",
            "enabled_events": ["invoice.paid", "invoice.payment_failed", "invoice.voided"],
            "api_version": "2025-04-30.basil",
        }
    )
    config = make_config(port, None, webhook_secret=endpoint.secret)
    server = start_in_thread(create_app(org, config, deploy_checks=DEPLOY_CHECKS), port, *tls_files)
    token, _ = SessionIssuer(config).issue(config.username)
    sf = Salesforce(session_id=token, instance_url=config.instance_url, session=https, version="66.0")
    yield {"sim": sim, "org": org, "config": config, "sf": sf, "token": token, "stripe": client, "endpoint": endpoint}
    server.stop()
    sim.stop()
