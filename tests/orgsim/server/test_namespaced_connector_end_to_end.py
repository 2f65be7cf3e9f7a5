"""A spec that installs the Stripe connector under another namespace (`stripe.namespace:
acmepay`) works end to end on the local org: the project generated from it passes the org
server's deploy check (the validator in the server settings' namespace), the org names the
connector package's objects in that namespace (sfmeta/connector_package.py), an Opportunity
gets its Stripe invoice and a paid invoice's webhook event is stored in `acmepay__Stripe_Event__c`.

The server is assembled the way `sfpay org serve` assembles it: settings file next to the
database, `orgsim.server.serve.build`, deploy checks from `sfpay.local.org_serve`. Clients are the
real ones: simple-salesforce (login, REST), the REST deploy CumulusCI uses, the stripe SDK.

Before: orgsim's schema and intake spelled the objects `stripeGC__...` whatever the namespace,
and the deploy check validated in the catalog's own namespace.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from server_helpers import deploy_rest, zip_source

NAMESPACE = "acmepay"
EVENTS = ["invoice.paid", "invoice.payment_failed", "invoice.voided"]


def _project(root: Path) -> tuple[Path, str]:
    """The repository's spec with the connector under `acmepay` (its Account field too),
    rendered by the generator. Returns the project root and the Stripe account name."""
    from generator.render.engine import render
    from generator.spec.loader import load_spec
    from sfpay.paths import PROJECT_ROOT

    root.mkdir()
    text = (PROJECT_ROOT / "specs" / "ct-nonprofit.yml").read_text(encoding="utf-8")
    assert "namespace: stripeGC " in text and "api_name: stripeGC__Customer_Id__c" in text
    text = text.replace("namespace: stripeGC ", f"namespace: {NAMESPACE} ")
    text = text.replace("api_name: stripeGC__", f"api_name: {NAMESPACE}__")
    (root / "sfpay.yml").write_text(text, encoding="utf-8")
    spec = load_spec(root / "sfpay.yml")
    assert spec.stripe.namespace == NAMESPACE
    for name, data in render(spec).items():
        path = root / "force-app" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "sfdx-project.json").write_text(
        json.dumps({"packageDirectories": [{"default": True, "path": "force-app"}], "sourceApiVersion": "66.0"}),
        encoding="utf-8",
    )
    return root, spec.stripe.account_name


@pytest.fixture
def namespaced_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    import requests
    import stripe
    from simple_salesforce import Salesforce, SalesforceLogin

    from orgsim.server.running import start_in_thread
    from orgsim.server.serve import build, settings_path
    from orgsim.server.settings import ServerSettings
    from orgsim.server.tls import ca_bundle, ensure_certificate
    from sfpay.local.org_serve import _deploy_checks
    from sfpay.serving import free_port
    from stripesim.running import start

    db = tmp_path / "org" / "org.sqlite3"
    db.parent.mkdir(mode=0o700)
    # simple-salesforce (requests) and stripesim's webhook deliveries (httpx, from its start)
    # trust the org's certificate, made here and reused by `build`.
    bundle = str(ca_bundle(db.parent, ensure_certificate(db.parent)[0]))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", bundle)
    monkeypatch.setenv("SSL_CERT_FILE", bundle)
    sim = start()
    port = free_port()
    client = stripe.StripeClient(sim.api_key, base_addresses={"api": sim.base_url})
    settings = ServerSettings(stripe_api_base=sim.base_url, stripe_api_key=sim.api_key, connector_namespace=NAMESPACE)
    endpoint = client.v1.webhook_endpoints.create(
        params={"url": f"https://127.0.0.1:{port}{settings.webhook_path}", "enabled_events": EVENTS}  # type: ignore[typeddict-item]
    )
    settings.webhook_secret = endpoint.secret
    settings.save(settings_path(db))
    app, org, config, cert, key = build(db, port, _deploy_checks(settings))
    server = start_in_thread(app, port, cert, key)
    https = requests.Session()
    session_id, _ = SalesforceLogin(
        username=settings.username,
        password=settings.password,
        security_token=settings.security_token,
        scratch_url=config.instance_url,
        session=https,
        sf_version="66.0",
    )
    sf = Salesforce(session_id=session_id, instance_url=config.instance_url, session=https, version="66.0")
    yield {"org": org, "config": config, "sf": sf, "token": session_id, "stripe": client, "https": https}
    https.close()
    server.stop()
    sim.stop()


def _wait_for(fn: Callable[[], Any], tick: Callable[[], None], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        tick()
        time.sleep(0.05)


def test_the_org_names_the_package_objects_in_the_spec_namespace(namespaced_stack: dict[str, Any]) -> None:
    names = {o["name"] for o in namespaced_stack["sf"].describe()["sobjects"]}
    assert {f"{NAMESPACE}__Stripe_Account__c", f"{NAMESPACE}__Stripe_Event__c", f"{NAMESPACE}__Sync_Log__c"} <= names
    assert not [name for name in names if name.startswith("stripeGC__")]
    event_fields = {
        f["name"] for f in namespaced_stack["sf"].restful(f"sobjects/{NAMESPACE}__Stripe_Event__c/describe")["fields"]
    }
    assert {f"{NAMESPACE}__Event_Name__c", f"{NAMESPACE}__Request_Body__c"} <= event_fields
    account_fields = {f["name"] for f in namespaced_stack["sf"].Account.describe()["fields"]}
    assert f"{NAMESPACE}__Customer_Id__c" in account_fields and "stripeGC__Customer_Id__c" not in account_fields


def test_an_opportunity_is_invoiced_and_the_paid_event_stored(namespaced_stack: dict[str, Any], tmp_path: Path) -> None:
    stack = namespaced_stack
    sf, config = stack["sf"], stack["config"]
    project, account_name = _project(tmp_path / "project")
    result = deploy_rest(stack["https"], config, stack["token"], zip_source(project))
    assert result["status"] == "Succeeded", result["details"]["componentFailures"]

    getattr(sf, f"{NAMESPACE}__Stripe_Account__c").create({"Name": account_name})
    account = sf.Account.create({"Name": "Hartford Friends"})["id"]
    opp = sf.Opportunity.create(
        {
            "Name": "Spring appeal",
            "AccountId": account,
            "StageName": "Proposal/Price Quote",
            "CloseDate": "2026-12-01",
            "Amount": 250,
        }
    )["id"]
    contact = sf.Contact.create({"LastName": "Payer", "Email": "payer@example.org", "AccountId": account})["id"]
    sf.OpportunityContactRole.create({"OpportunityId": opp, "ContactId": contact, "IsPrimary": True})

    def tick() -> None:
        stack["org"].clock.advance(minutes=1)  # the flows call Stripe on a scheduled path

    logs = f"SELECT {NAMESPACE}__Message__c, {NAMESPACE}__Error_Details__c FROM {NAMESPACE}__Sync_Log__c"
    record = _wait_for(lambda: (r := sf.Opportunity.get(opp))["Stripe_Invoice_ID__c"] and r, tick)
    assert record, sf.query(logs)
    invoice_id = record["Stripe_Invoice_ID__c"]
    assert stack["stripe"].v1.invoices.retrieve(invoice_id).amount_due == 25000
    assert sf.Account.get(account)[f"{NAMESPACE}__Customer_Id__c"].startswith("cus_")

    stack["stripe"].v1.invoices.pay(invoice_id, params={"paid_out_of_band": True})
    paid = _wait_for(lambda: sf.Opportunity.get(opp)["Stripe_Payment_Status__c"] == "Paid", tick)
    assert paid, (sf.query(logs), sf.query(f"SELECT Name FROM {NAMESPACE}__Stripe_Event__c"))
    events = sf.query(
        f"SELECT Name, {NAMESPACE}__Event_Name__c, {NAMESPACE}__Request_Body__c FROM {NAMESPACE}__Stripe_Event__c"
    )
    paid_events = [e for e in events["records"] if e[f"{NAMESPACE}__Event_Name__c"] == "invoice.paid"]
    assert paid_events and invoice_id in paid_events[0][f"{NAMESPACE}__Request_Body__c"]
