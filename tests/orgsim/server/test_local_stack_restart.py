"""kill -9 of both emulators with payments in flight, then `sfpay local up` (issue 14, item 7).

The org dies first, so stripesim holds pending `invoice.paid` deliveries it keeps retrying;
then stripesim dies too. The restart must keep the webhook endpoint (same id and signing
secret; its URL updated in place when the org's port is taken) so every pending delivery
still arrives, and no paid Opportunity is left Open (reminders would go out for it)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import requests
import stripe
from server_helpers import deploy_rest, fixture_project, zip_source

from stripesim.running import SimAdmin

ROOT = Path(__file__).resolve().parents[3]
PAYMENTS = 8


def _sfpay(state: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SFPAY_STATE_DIR": str(state), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sfpay", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=state.parent,
    )


def _up(state: Path) -> dict[str, Any]:
    result = _sfpay(state, "local", "up", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _kill_9(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and "zombie" not in _status(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _drop_connections(listener: socket.socket) -> None:
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:  # closed by the test
            return
        connection.close()


def _status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "zombie"


class Org:
    def __init__(self, details: dict[str, Any]) -> None:
        self.http = httpx.Client(
            base_url=details["instance_url"],
            verify=details["ca_bundle"],
            headers={"Authorization": f"Bearer {details['access_token']}"},
            timeout=30,
        )

    def create(self, sobject: str, fields: dict[str, Any]) -> str:
        answer = self.http.post(f"/services/data/v66.0/sobjects/{sobject}", json=fields)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    def opportunities(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        quoted = ",".join(f"'{i}'" for i in ids)
        answer = self.http.get(
            "/services/data/v66.0/query",
            params={
                "q": "SELECT Id, Stripe_Invoice_ID__c, Stripe_Payment_Status__c FROM Opportunity "
                f"WHERE Id IN ({quoted})"
            },
        )
        assert answer.status_code == 200, answer.text
        return {r["Id"]: r for r in answer.json()["records"]}

    def advance(self, minutes: int) -> None:
        self.http.post("/_orgsim/clock", json={"minutes": minutes}).raise_for_status()


def test_kill_9_of_both_emulators_loses_no_payment(tmp_path: Path, monkeypatch) -> None:
    state = tmp_path / ".sfpay"
    blocker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        first = _up(state)
        record = json.loads((Path(first["state_dir"]) / "stack.json").read_text())
        org = Org(first)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", first["ca_bundle"])
        with requests.Session() as session:
            config = type("Config", (), {"instance_url": first["instance_url"]})
            deployed = deploy_rest(session, config, first["access_token"], zip_source(fixture_project()))
        assert deployed["status"] == "Succeeded", deployed
        opportunities = []
        for n in range(PAYMENTS):
            account = org.create("Account", {"Name": f"Donor {n}"})
            opp = org.create(
                "Opportunity",
                {
                    "Name": f"Gift {n}",
                    "AccountId": account,
                    "StageName": "Closed Won",
                    "CloseDate": "2026-12-01",
                    "Amount": 120,
                },
            )
            contact = org.create(
                "Contact", {"LastName": f"Payer {n}", "Email": f"payer{n}@example.org", "AccountId": account}
            )
            org.create("OpportunityContactRole", {"OpportunityId": opp, "ContactId": contact, "IsPrimary": True})
            opportunities.append(opp)
        org.advance(2)  # the flows' Stripe path runs a minute after the save
        invoices = [r["Stripe_Invoice_ID__c"] for r in org.opportunities(opportunities).values()]
        assert len(invoices) == PAYMENTS and all(i and i.startswith("in_") for i in invoices)

        # The org dies; payments arrive at Stripe and their events cannot be delivered.
        _kill_9(record["org_pid"])
        client = stripe.StripeClient(first["api_key"], base_addresses={"api": first["api_base"]})
        for invoice in invoices:
            client.invoices.pay(invoice, params={"paid_out_of_band": True})
        admin = SimAdmin(first["api_base"], first["api_key"])
        deadline = time.monotonic() + 30
        while True:
            pending = [d for d in admin.deliveries("pending") if d["event_type"] == "invoice.paid"]
            if len(pending) == PAYMENTS and all(d["attempts"] >= 1 for d in pending):
                break
            assert time.monotonic() < deadline, pending
            time.sleep(0.2)
        admin.close()
        _kill_9(record["stripe_pid"])

        # Another process listens on the org's port meanwhile (it drops every connection):
        # the restarted org listens elsewhere.
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(("127.0.0.1", record["org_port"]))
        blocker.listen()
        threading.Thread(target=_drop_connections, args=(blocker,), daemon=True).start()
        second = _up(state)
        assert second["instance_url"] != first["instance_url"]
        assert (second["webhook_endpoint_id"], second["webhook_secret"]) == (
            first["webhook_endpoint_id"],
            first["webhook_secret"],
        ), "the webhook endpoint was replaced: its pending deliveries are lost"
        client = stripe.StripeClient(second["api_key"], base_addresses={"api": second["api_base"]})
        endpoints = client.webhook_endpoints.list().data
        assert [(e.id, e.url) for e in endpoints] == [(first["webhook_endpoint_id"], second["webhook_url"])]

        org = Org(second)
        deadline = time.monotonic() + 150
        while True:
            statuses = {r["Stripe_Payment_Status__c"] for r in org.opportunities(opportunities).values()}
            if statuses == {"Paid"}:
                break
            assert time.monotonic() < deadline, f"paid Opportunities left unpaid: {statuses}"
            org.advance(1)  # the event flow re-reads the invoice on its Stripe path
            time.sleep(0.2)  # a poll, not a wait for something: each round moves the clock itself
        admin = SimAdmin(second["api_base"], second["api_key"])
        failed = admin.deliveries("failed")
        admin.close()
        assert failed == []
    finally:
        blocker.close()
        _sfpay(state, "local", "down", timeout=60)


def test_a_refused_restart_leaves_no_server_running(tmp_path: Path) -> None:
    """`local up` refuses to replace a webhook endpoint whose deliveries are still pending (here:
    the signing secret was lost). The servers it had started for the restart stop with it: a
    stripesim left running would hold the port and the database for the next `local up`."""
    import psutil

    state = tmp_path / ".sfpay"
    try:
        first = _up(state)
        admin = SimAdmin(first["api_base"], first["api_key"])
        admin.webhook_switches(paused=True)
        client = stripe.StripeClient(first["api_key"], base_addresses={"api": first["api_base"]})
        customer = client.customers.create(params={"email": "payer@example.org"})
        client.invoice_items.create(params={"customer": customer.id, "amount": 1000, "currency": "usd"})
        invoice = client.invoices.create(params={"customer": customer.id, "pending_invoice_items_behavior": "include"})
        client.invoices.finalize_invoice(invoice.id)
        client.invoices.pay(invoice.id, params={"paid_out_of_band": True})
        assert admin.deliveries("pending"), "no delivery is pending"
        admin.close()
        assert _sfpay(state, "local", "down").returncode == 0
        settings_file = Path(first["state_dir"]) / "orgsim-server.json"
        settings = json.loads(settings_file.read_text())
        settings["webhook_secret"] = None  # lost: the endpoint cannot be kept
        settings_file.write_text(json.dumps(settings))

        refused = _sfpay(state, "local", "up")
        assert refused.returncode != 0 and "still has pending deliveries" in refused.stderr, refused.stderr
        deadline = time.monotonic() + 10
        while True:
            running = [
                p.info["pid"]
                for p in psutil.process_iter(["pid", "cmdline"])
                if str(state) in " ".join(p.info["cmdline"] or ()) and p.info["pid"] != os.getpid()
            ]
            if not running or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert running == [], f"servers of the refused restart still run: {running}"
    finally:
        _sfpay(state, "local", "down", timeout=60)
