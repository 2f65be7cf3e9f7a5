"""`sfpay local up --json` / `status` / `down` as a user runs them, then the issue's done-when
through the stack it started: simple-salesforce and the stripe SDK with the printed details."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from server_helpers import deploy_rest, fixture_project, zip_source

ROOT = Path(__file__).resolve().parents[3]
KEYS = {"instance_url", "username", "password", "access_token", "api_base", "api_key", "webhook_secret", "ca_bundle"}


def _sfpay(state: Path, *args: str, timeout=120, **env_extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SFPAY_STATE_DIR": str(state), "PYTHONPATH": str(ROOT), **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "sfpay", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=str(state.parent),
    )


@pytest.fixture
def local_stack(tmp_path):
    state = tmp_path / ".sfpay"
    up = _sfpay(state, "local", "up", "--json")
    try:
        assert up.returncode == 0, up.stderr
        yield state, json.loads(up.stdout)
    finally:
        down = _sfpay(state, "local", "down")
        assert down.returncode == 0, down.stderr


def test_local_up_status_down(local_stack, monkeypatch):
    import stripe
    from simple_salesforce import Salesforce

    state, details = local_stack
    assert KEYS <= set(details)
    assert details["api_key"].startswith("sk_test_") and details["webhook_secret"].startswith("whsec_")
    status = _sfpay(state, "local", "status")
    assert status.returncode == 0 and status.stdout.count("healthy") == 2
    human = _sfpay(state, "local", "up")  # already running: same stack, secrets not printed
    assert human.returncode == 0 and details["password"] not in human.stdout and details["api_key"] not in human.stdout
    assert details["instance_url"] in human.stdout

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", details["ca_bundle"])
    sf = Salesforce(instance_url=details["instance_url"], session_id=details["access_token"], version="66.0")
    config = type("Config", (), {"instance_url": details["instance_url"]})
    assert (
        deploy_rest(sf.session, config, details["access_token"], zip_source(fixture_project()))["status"] == "Succeeded"
    )
    accounts = sf.query("SELECT Name FROM stripeGC__Stripe_Account__c")["records"]
    assert [a["Name"] for a in accounts] == ["CT Nonprofit Alliance"]  # configured by `local up`

    account = sf.Account.create({"Name": "Hartford Friends"})["id"]
    opp = sf.Opportunity.create(
        {"Name": "Gala", "AccountId": account, "StageName": "Closed Won", "CloseDate": "2026-12-01", "Amount": 120}
    )["id"]
    # The payer's email, then the minute after which the flows' Stripe path runs (issue 12).
    contact = sf.Contact.create({"LastName": "Payer", "Email": "payer@example.org", "AccountId": account})["id"]
    sf.OpportunityContactRole.create({"OpportunityId": opp, "ContactId": contact, "IsPrimary": True})

    def advance(minutes: int) -> None:
        sf.session.post(
            f"{details['instance_url']}/_orgsim/clock",
            json={"minutes": minutes},
            headers={"Authorization": f"Bearer {details['access_token']}"},
        ).raise_for_status()

    advance(2)
    record = sf.Opportunity.get(opp)
    assert record["Stripe_Invoice_ID__c"].startswith("in_") and record["Stripe_Invoice_URL__c"]
    client = stripe.StripeClient(details["api_key"], base_addresses={"api": details["api_base"]})
    client.invoices.pay(record["Stripe_Invoice_ID__c"], params={"paid_out_of_band": True})
    deadline = time.monotonic() + 20
    while sf.Opportunity.get(opp)["Stripe_Payment_Status__c"] != "Paid":
        assert time.monotonic() < deadline, "the signed invoice.paid webhook never turned the Opportunity Paid"
        advance(1)  # the event flow re-reads the invoice on its Stripe path, a minute later
        time.sleep(0.1)

    # CumulusCI's headless JWT login with what `up --json` printed.
    from cumulusci.oauth.salesforce import jwt_session

    monkeypatch.setenv("SF_PROD_LOGIN_URL", details["instance_url"])
    info = jwt_session(
        details["client_id"],
        Path(details["jwt_key_file"]).read_text(),
        details["username"],
        url=details["instance_url"],
    )
    assert info["instance_url"] == details["instance_url"] and info["access_token"]

    for log in (state / "local").glob("*.log"):
        text = log.read_text()
        for secret in (details["password"], details["api_key"], details["webhook_secret"], details["access_token"]):
            assert secret not in text, f"{log.name} contains a secret"


def test_status_when_nothing_runs(tmp_path):
    result = _sfpay(tmp_path / ".sfpay", "local", "status", "--json")
    assert result.returncode == 1 and json.loads(result.stdout)["running"] is False


def test_bad_spec_is_a_clear_error_and_starts_nothing(tmp_path):
    state = tmp_path / ".sfpay"
    result = _sfpay(state, "local", "up", "--spec", str(tmp_path / "missing.yml"))
    assert result.returncode == 1 and "missing.yml" in result.stderr and "Traceback" not in result.stderr
    assert not (state / "local" / "stack.json").exists()


def test_org_serve_user_errors_exit_1_without_traceback(tmp_path):
    result = _sfpay(tmp_path / ".sfpay", "org", "serve", "--jwt-cert", str(tmp_path / "nope.pem"))
    assert result.returncode == 1 and "nope.pem" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / ".sfpay").exists()  # nothing written


def test_org_serve_refuses_a_live_stripe_key_before_writing_anything(tmp_path):
    live = "sk_live_" + "x" * 24
    result = _sfpay(tmp_path / ".sfpay", "org", "serve", STRIPE_API_KEY=live)
    assert result.returncode == 1 and "live-mode key" in result.stderr and live not in result.stderr
    assert not (tmp_path / ".sfpay").exists()
