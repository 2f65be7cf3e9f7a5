"""`sfpay webhook configure` against stripesim over HTTP with the official stripe SDK."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from harness.webhook_config import DESCRIPTION, WebhookConfigError, check_endpoint, ensure_endpoint
from sfpay.paths import PROJECT_ROOT
from stripesim import start_sim

URL = "https://ctnonprofit.my.salesforce-sites.com/services/apexrest/stripeGC/v1/webhook"
EVENTS = [
    "invoice.marked_uncollectible",
    "invoice.paid",
    "invoice.payment_failed",
    "invoice.payment_succeeded",
    "invoice.voided",
]
VERSION = "2025-04-30"


@pytest.fixture(scope="module")
def sim():
    with start_sim() as running:
        yield running


@pytest.fixture
def client(sim):
    sim.admin.reset()
    return sim.stripe_client()


def endpoints(client):
    return list(client.v1.webhook_endpoints.list({"limit": 100}).auto_paging_iter())


def test_creates_one_endpoint_and_returns_its_secret_once(client):
    first = ensure_endpoint(client, URL, EVENTS, VERSION)
    assert first.action == "created"
    assert first.secret and first.secret.startswith("whsec_")
    [endpoint] = endpoints(client)
    assert (endpoint.id, endpoint.url, endpoint.api_version) == (first.endpoint_id, URL, VERSION)
    assert sorted(endpoint.enabled_events) == EVENTS
    assert endpoint.description == DESCRIPTION

    again = ensure_endpoint(client, URL, list(reversed(EVENTS)), VERSION)
    assert (again.action, again.endpoint_id, again.secret, again.changes) == ("unchanged", first.endpoint_id, None, [])
    assert len(endpoints(client)) == 1


def test_event_drift_is_updated_in_place(client):
    created = ensure_endpoint(client, URL, EVENTS, VERSION)
    client.v1.webhook_endpoints.update(
        created.endpoint_id, {"enabled_events": ["invoice.paid", "customer.created"], "disabled": True}
    )
    outcome = ensure_endpoint(client, URL, EVENTS, VERSION)
    assert outcome.action == "updated" and outcome.endpoint_id == created.endpoint_id and outcome.secret is None
    assert "disable customer.created" in outcome.changes
    assert (
        "enable invoice.marked_uncollectible, invoice.payment_failed, invoice.payment_succeeded, invoice.voided"
        in outcome.changes
    )
    assert "re-enable the endpoint (it was disabled)" in outcome.changes
    [endpoint] = endpoints(client)
    assert sorted(endpoint.enabled_events) == EVENTS and endpoint.status == "enabled"


def test_api_version_mismatch_is_flagged_then_fixed_only_on_request(client):
    old = client.v1.webhook_endpoints.create({"url": URL, "enabled_events": EVENTS, "api_version": "2024-06-20"})
    with pytest.raises(WebhookConfigError) as info:
        ensure_endpoint(client, URL, EVENTS, VERSION)
    assert (
        "2024-06-20" in str(info.value)
        and VERSION in str(info.value)
        and "--recreate-on-version-mismatch" in str(info.value)
    )
    assert [e.id for e in endpoints(client)] == [old.id]  # nothing changed

    outcome = ensure_endpoint(client, URL, EVENTS, VERSION, recreate_on_version_mismatch=True)
    assert outcome.action == "recreated" and outcome.deleted == [old.id] and outcome.secret.startswith("whsec_")
    [endpoint] = endpoints(client)
    assert endpoint.id == outcome.endpoint_id != old.id and endpoint.api_version == VERSION


def test_release_name_suffix_is_the_same_version(client):
    client.v1.webhook_endpoints.create({"url": URL, "enabled_events": EVENTS, "api_version": "2025-04-30.basil"})
    assert ensure_endpoint(client, URL, EVENTS, VERSION).action == "unchanged"


def test_duplicates_are_refused_or_pruned_never_added_to(client):
    wrong = client.v1.webhook_endpoints.create({"url": URL, "enabled_events": EVENTS, "api_version": "2024-06-20"})
    right = client.v1.webhook_endpoints.create({"url": URL + "/", "enabled_events": EVENTS, "api_version": VERSION})
    other = client.v1.webhook_endpoints.create({"url": "https://example.org/hook", "enabled_events": ["invoice.paid"]})
    with pytest.raises(WebhookConfigError, match="2 webhook endpoints point at"):
        ensure_endpoint(client, URL, EVENTS, VERSION)
    assert len(endpoints(client)) == 3

    outcome = ensure_endpoint(client, URL, EVENTS, VERSION, delete_duplicates=True)
    assert outcome.endpoint_id == right.id and outcome.deleted == [wrong.id] and outcome.secret is None
    assert sorted(e.id for e in endpoints(client)) == sorted([right.id, other.id])


def test_sandbox_preflight_check(client):
    assert check_endpoint(client, URL, EVENTS, VERSION).problems[0].startswith("no Stripe webhook endpoint for")
    created = client.v1.webhook_endpoints.create(
        {"url": URL, "enabled_events": ["invoice.paid"], "api_version": "2024-06-20"}
    )
    check = check_endpoint(client, URL, EVENTS, VERSION)
    assert not check.ok and check.endpoint_id == created.id
    assert any("does not send invoice.marked_uncollectible" in p for p in check.problems)
    assert any("uses API version 2024-06-20, the connector expects 2025-04-30" in p for p in check.problems)
    ensure_endpoint(client, URL, EVENTS, VERSION, recreate_on_version_mismatch=True)
    assert check_endpoint(client, URL, EVENTS, VERSION).ok
    assert check_endpoint(client, None, EVENTS, VERSION).ok  # found by its events when the URL is not given


def run_cli(sim, *args: str, key: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")}
    env.update(STRIPE_API_KEY=key or sim.api_key, STRIPE_API_BASE=sim.base_url, COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "sfpay", "webhook", "configure", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_prints_the_secret_only_when_it_creates_the_endpoint(sim, client):
    first = run_cli(sim, "--url", URL)
    assert first.returncode == 0, first.stderr
    secret = first.stdout.strip()
    assert secret.startswith("whsec_") and "created" in first.stderr
    assert sim.api_key not in first.stdout + first.stderr
    second = run_cli(sim, "--url", URL)
    assert second.returncode == 0, second.stderr
    assert "whsec_" not in second.stdout + second.stderr and "unchanged" in second.stderr
    [endpoint] = endpoints(client)
    assert sorted(endpoint.enabled_events) == EVENTS and endpoint.api_version == VERSION


def test_cli_flags_version_mismatch_without_traceback(sim, client):
    client.v1.webhook_endpoints.create({"url": URL, "enabled_events": EVENTS, "api_version": "2024-06-20"})
    result = run_cli(sim, "--url", URL)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "2024-06-20" in result.stderr and "expects 2025-04-30" in result.stderr


def test_cli_refuses_live_keys_unless_allowed(sim):
    result = run_cli(sim, "--url", URL, key="sk_live_" + "y" * 24)
    assert result.returncode == 1 and "live-mode key" in result.stderr and "Traceback" not in result.stderr
