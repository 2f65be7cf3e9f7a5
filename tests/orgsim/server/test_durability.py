"""Crash-restart durability: `sfpay org serve` as a real process, killed with SIGKILL.

After the restart no committed record is lost, sessions issued before the crash still work
(signed with the persisted session key), and scheduled-path work queued before the crash runs
when it falls due."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from server_helpers import deploy_rest, zip_source

from sfpay.serving import free_port

ROOT = Path(__file__).resolve().parents[3]
REMINDER_PROJECT = Path(__file__).parent / "fixtures" / "reminder_project"


def _start(db: Path, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STRIPE_API_KEY", None)
    return subprocess.Popen(
        [sys.executable, "-m", "sfpay", "org", "serve", "--port", str(port), "--db", str(db)],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env=env,
        cwd=str(ROOT),
    )


def _wait_healthy(proc, url: str, bundle: Path, log: Path, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"org server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if bundle.exists() and requests.get(url + "/_orgsim/health", verify=str(bundle), timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    pytest.fail(f"org server did not start: {log.read_text()[-2000:]}")


def test_kill_9_loses_nothing_committed_and_queued_work_still_runs(tmp_path, monkeypatch):
    db, log, port = tmp_path / "org" / "org.sqlite3", tmp_path / "serve.log", free_port()
    url, bundle = f"https://127.0.0.1:{port}", tmp_path / "org" / "ca-bundle.pem"
    proc = _start(db, port, log)
    try:
        _wait_healthy(proc, url, bundle, log)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        settings = json.loads((db.parent / "orgsim-server.json").read_text())
        assert oct((db.parent / "orgsim-server.json").stat().st_mode & 0o777) == "0o600"
        http = requests.Session()
        token = http.post(
            url + "/services/oauth2/token",
            data={"grant_type": "password", "username": settings["username"], "password": settings["password"]},
        ).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        config = type("Config", (), {"instance_url": url})
        assert deploy_rest(http, config, token, zip_source(REMINDER_PROJECT))["status"] == "Succeeded"
        records = [
            {
                "attributes": {"type": "Opportunity"},
                "Name": f"Opp {i}",
                "StageName": "Prospecting",
                "CloseDate": "2026-06-30",
            }
            for i in range(200)
        ]
        saved = http.post(
            url + "/services/data/v66.0/composite/sobjects", json={"allOrNone": True, "records": records}, headers=auth
        ).json()
        ids = {r["id"] for r in saved if r["success"]}
        assert len(ids) == 200
        one = http.post(
            url + "/services/data/v66.0/sobjects/Opportunity",
            headers=auth,
            json={"Name": "Last one", "StageName": "Prospecting", "CloseDate": "2026-06-30"},
        ).json()["id"]
        ids.add(one)
        assert len(http.get(url + "/_orgsim/pending-work", headers=auth).json()) == 201
        http.post(
            url + "/_orgsim/webhook-secret", json={"secret": "whsec_set_at_run_time"}, headers=auth
        ).raise_for_status()

        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        http.close()

        proc = _start(db, port, log)
        _wait_healthy(proc, url, bundle, log)
        http = requests.Session()
        found = http.get(
            url + "/services/data/v66.0/query", params={"q": "SELECT Id FROM Opportunity"}, headers=auth
        )  # the session from before the crash
        assert found.status_code == 200, found.text
        assert {r["Id"] for r in found.json()["records"]} == ids
        assert len(http.get(url + "/_orgsim/pending-work", headers=auth).json()) == 201
        moved = http.post(url + "/_orgsim/clock", json={"hours": 2}, headers=auth).json()
        assert moved["interviews_run"] == 201
        logs = http.get(
            url + "/services/data/v66.0/query",
            headers=auth,
            params={"q": "SELECT COUNT() FROM stripeGC__Sync_Log__c WHERE stripeGC__Action_Taken__c = 'Reminder'"},
        ).json()
        assert logs["totalSize"] == 201
        assert json.loads((db.parent / "orgsim-server.json").read_text())["webhook_secret"] == "whsec_set_at_run_time"
        assert "password" not in log.read_text() and settings["password"] not in log.read_text()
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(15)
