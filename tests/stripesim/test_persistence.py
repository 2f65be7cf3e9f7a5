"""State kept in SQLite with --db survives a restart; the command line runs the server."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import httpx
import pytest
import stripe

from sfpay.paths import PROJECT_ROOT
from sfpay.serving import free_port
from stripesim import DEFAULT_API_KEY, SimConfig, start_sim
from tests.stripesim.conftest import fast_config, make_invoice

# The real command line; `python -m stripesim` (used by the benchmark) is the same command alone.
COMMAND = [sys.executable, "-m", "sfpay", "stripe-sim"]


def test_state_survives_an_in_process_restart(tmp_path, receiver):
    db = str(tmp_path / "stripe.db")
    with start_sim(fast_config(db_path=db)) as first:
        client = first.stripe_client()
        endpoint = client.v1.webhook_endpoints.create(params={"url": receiver.url, "enabled_events": ["*"]})
        first.admin.webhook_switches(paused=True)
        customer, invoice = make_invoice(client)
        finalized = client.v1.invoices.finalize_invoice(invoice.id, options={"idempotency_key": "fin"})
        token_path = httpx.URL(finalized.hosted_invoice_url).path
        events_before = [e.id for e in client.v1.events.list(params={"limit": 100}).data]
    assert receiver.received == []

    with start_sim(fast_config(db_path=db)) as second:
        client = second.stripe_client()
        assert client.v1.customers.retrieve(customer.id).email == "donor@example.org"
        again = client.v1.invoices.retrieve(invoice.id)
        assert again.status == "open" and again.number == finalized.number and again.amount_due == 5000
        assert [e.id for e in client.v1.events.list(params={"limit": 100}).data] == events_before
        replay = client.v1.invoices.finalize_invoice(invoice.id, options={"idempotency_key": "fin"})
        assert replay.last_response.headers["Idempotent-Replayed"] == "true"
        # Deliveries queued before the restart go out after it, signed with the same secret.
        second.admin.release_webhooks()
        second.admin.wait_for_deliveries()
        assert len(receiver.received) == len(events_before)
        for received in receiver.received:
            stripe.Webhook.construct_event(received.body, received.headers["stripe-signature"], endpoint.secret)
        page = httpx.get(second.base_url + token_path)
        assert page.status_code == 200 and finalized.number in page.text
        second_invoice = client.v1.invoices.create(params={"customer": customer.id})
        client.v1.invoice_items.create(params={"customer": customer.id, "invoice": second_invoice.id, "amount": 1})
        assert client.v1.invoices.finalize_invoice(second_invoice.id).number.endswith("-0002")


def test_memory_storage_forgets():
    with start_sim(SimConfig()) as first:
        customer = first.stripe_client().v1.customers.create(params={"email": "a@example.org"})
    with start_sim(SimConfig()) as second:
        with pytest.raises(stripe.InvalidRequestError):
            second.stripe_client().v1.customers.retrieve(customer.id)


def _run_cli(port: int, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*COMMAND, "--port", str(port), *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_up(base_url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read()}")
        try:
            if httpx.get(base_url + "/_sim/health").status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError("server did not start")


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_command_line_server_with_db_survives_restart(tmp_path):
    db = str(tmp_path / "cli.db")
    key = "sk_test_cli_key_000000000000000"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    proc = _run_cli(port, "--db", db, "--api-key", key)
    try:
        _wait_up(base_url, proc)
        client = stripe.StripeClient(key, base_addresses={"api": base_url}, max_network_retries=0)
        customer = client.v1.customers.create(params={"email": "cli@example.org"})
        with pytest.raises(stripe.AuthenticationError):
            stripe.StripeClient(DEFAULT_API_KEY, base_addresses={"api": base_url}).v1.customers.list()
    finally:
        _stop(proc)
    stderr = proc.stderr.read()
    assert key not in stderr and "storage: " in stderr

    proc = _run_cli(port, "--db", db, "--api-key", key)
    try:
        _wait_up(base_url, proc)
        assert client.v1.customers.retrieve(customer.id).email == "cli@example.org"
    finally:
        _stop(proc)


def test_command_line_refuses_live_keys():
    result = subprocess.run(
        [*COMMAND, "--api-key", "sk_live_abc"], capture_output=True, text=True, timeout=30, cwd=PROJECT_ROOT
    )
    assert result.returncode == 1
    assert "live-mode" in result.stderr and "Traceback" not in result.stderr and "sk_live_abc" not in result.stderr


def test_command_line_reports_an_unusable_db(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = subprocess.run(
        [*COMMAND, "--port", str(free_port()), "--db", str(blocker / "x.db")],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 1 and "cannot start" in result.stderr and "Traceback" not in result.stderr
