"""`ScenarioContext.hold` on the local target ends as soon as the stack is provably quiescent,
and still fails when the forbidden thing happens just before it would be: real orgsim (the
generated flows deployed, a clock that follows wall time, a due-work runner, as `sfpay org
serve`) and real stripesim delivering webhooks to the org's listener over HTTPS."""

from __future__ import annotations

import time

import pytest

from harness.context import ScenarioContext
from harness.scenario import ScenarioFailed
from harness.spec_view import default_spec_path, load
from harness.targets.base import Quiescence
from harness.targets.local import LocalTarget
from sfpay.paths import PROJECT_ROOT

WEBHOOK_PATH = "/services/apexrest/stripeGC/webhook"


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory):
    """stripesim + an org connected to it, described as `sfpay local up` describes a stack."""
    import os

    import stripe

    from orgsim import Clock, Org, StripeConfig
    from orgsim.server.app import create_app
    from orgsim.server.config import ServerConfig
    from orgsim.server.running import start_in_thread
    from orgsim.server.sessions import SessionIssuer
    from orgsim.server.tls import ca_bundle, ca_certs_dir, ensure_certificate
    from sfpay.local.stack import LocalConnection
    from sfpay.serving import free_port
    from stripesim.running import start

    tls_dir = tmp_path_factory.mktemp("tls")
    cert, key = ensure_certificate(tls_dir)
    bundle = str(ca_bundle(tls_dir, cert))
    previous = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = bundle  # stripesim's deliveries (httpx) trust the org's certificate
    sim = start()
    port = free_port()
    client = stripe.StripeClient(sim.api_key, base_addresses={"api": sim.base_url})
    endpoint = client.v1.webhook_endpoints.create(
        params={
            "url": f"https://127.0.0.1:{port}{WEBHOOK_PATH}",
            "enabled_events": ["invoice.paid", "invoice.payment_failed", "invoice.voided"],
            "api_version": "2025-04-30.basil",
        }
    )
    org = Org.open(
        ":memory:", clock=Clock(frozen=False), stripe=StripeConfig(api_base=sim.base_url, api_key=sim.api_key)
    )
    org.deploy_source(PROJECT_ROOT / "force-app")
    config = ServerConfig(
        org_id="00D000000000001AAA",
        username="admin@orgsim.local",
        instance_url=f"https://127.0.0.1:{port}",
        password="orgsim-pass",
        security_token="TOKEN123",
        webhook_secret=endpoint.secret,
    )
    server = start_in_thread(create_app(org, config, background_interval=1.0), port, cert, key)
    token, _ = SessionIssuer(config).issue(config.username)
    stack = LocalConnection(
        instance_url=config.instance_url,
        username=config.username,
        password=config.password,
        security_token=config.security_token,
        access_token=token,
        ca_bundle=bundle,
        ca_certs=str(ca_certs_dir(tls_dir)),
        client_id="",
        jwt_key_file=None,
        webhook_url=endpoint.url,
        webhook_endpoint_id=endpoint.id,
        webhook_secret=endpoint.secret,
        api_base=sim.base_url,
        api_key=sim.api_key,
        stripe_account_name="",
        state_dir=str(tls_dir),
        spec=None,
        project_root=str(PROJECT_ROOT),
    )
    try:
        yield stack, sim, client
    finally:
        server.stop()
        sim.stop()
        if previous is None:
            os.environ.pop("SSL_CERT_FILE", None)
        else:
            os.environ["SSL_CERT_FILE"] = previous


@pytest.fixture
def ctx(local_stack, monkeypatch):
    stack, sim, _ = local_stack
    monkeypatch.chdir(PROJECT_ROOT)
    sim.admin.webhook_switches(paused=False, delay_seconds=0)
    target = LocalTarget(load(default_spec_path()), deploy=False, stack=stack)
    connection = target.open()
    context = ScenarioContext(target, connection, load(default_spec_path()), run_tag="quiet")
    yield context
    target.close()


def paid_invoice(client) -> str:
    customer = client.v1.customers.create(params={"email": "donor@example.org", "name": "Donor"})
    invoice = client.v1.invoices.create(
        params={"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    client.v1.invoice_items.create(
        params={"customer": customer.id, "invoice": invoice.id, "amount": 5000, "currency": "usd"}
    )
    client.v1.invoices.finalize_invoice(invoice.id)
    client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_visa"})
    return invoice.id


def events_stored(ctx: ScenarioContext, invoice_id: str) -> list[str]:
    soql = f"SELECT Id FROM stripeGC__Stripe_Event__c WHERE stripeGC__Request_Body__c LIKE '%{invoice_id}%'"
    return [r["Id"] for r in ctx.sf.query_all(soql)["records"]]


def test_an_idle_stack_ends_the_watch_long_before_its_window(ctx):
    assert ctx.target.quiescent(5.0) == Quiescence.IDLE
    started = time.monotonic()
    assert ctx.hold(lambda: None, what="anything", seconds=5.0) is None
    assert time.monotonic() - started < 2.0  # the timed window took the whole 5 s
    [timing] = ctx.end().timings
    assert timing.label == "must not happen, watched until quiescent: anything"


def test_a_delivery_due_within_the_window_keeps_the_watch_going_and_fails_it(ctx, local_stack):
    _, sim, client = local_stack
    # Stripe sends the invoice.paid delivery 0.3 s of wall time after the event: until then the
    # stack is not quiescent (a pending delivery), so the watch must still see the event land.
    sim.admin.webhook_switches(delay_seconds=0.3)
    invoice_id = paid_invoice(client)
    assert events_stored(ctx, invoice_id) == []
    assert ctx.target.quiescent(1.0) == Quiescence.BUSY
    with pytest.raises(ScenarioFailed, match="an event arrived"):
        ctx.hold(lambda: events_stored(ctx, invoice_id), what="an event arrived", seconds=1.0)


def test_a_delivery_due_after_the_window_does_not_hold_it_open(ctx, local_stack):
    _, sim, client = local_stack
    # As a timed window of 0.5 s would not see a delivery 30 s away, neither does quiescence.
    sim.admin.webhook_switches(delay_seconds=30)
    paid_invoice(client)
    ctx.target.let_stripe_paths_run()  # as hold does before it asks (earlier tests' event paths run)
    assert ctx.target.quiescent(0.5) == Quiescence.IDLE, (
        ctx.target.helpers.quiescence(),
        ctx.target.sim_admin.quiescence(),
    )
    sim.admin.webhook_switches(paused=True)  # leave nothing for the other tests
