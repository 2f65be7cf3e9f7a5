"""Harness helpers (/_orgsim/...) behind the same bearer auth."""

from __future__ import annotations

import datetime as dt


def test_clock_outbox_limits_failed_interviews(org_server, https):
    server, config, org, sf = org_server
    auth = {"Authorization": f"Bearer {sf.session_id}"}
    base = config.instance_url + "/_orgsim"
    before = dt.datetime.fromisoformat(
        https.get(base + "/clock", headers=auth).json()["now"].replace("+0000", "+00:00")
    )
    moved = https.post(base + "/clock", json={"days": 30, "hours": 1}, headers=auth)
    assert moved.status_code == 200
    after = dt.datetime.fromisoformat(moved.json()["now"].replace("+0000", "+00:00"))
    assert after - before >= dt.timedelta(days=30, hours=1)
    assert org.clock.now() >= after
    assert https.post(base + "/clock", json={"weeks": 1}, headers=auth).status_code == 400
    assert https.post(base + "/clock", json={"days": -1}, headers=auth).status_code == 400

    sf.Account.create({"Name": "Usage"})
    limits = https.get(base + "/limits?last=1", headers=auth).json()
    assert limits["transactions"][-1]["label"].startswith("api insert Account")
    assert limits["limits"]["soql"] == 100 or "soql" in limits["limits"]
    assert https.get(base + "/outbox", headers=auth).json() == org.outbox()
    assert https.get(base + "/failed-interviews", headers=auth).json() == org.failed_interviews()
    assert https.get(base + "/pending-work", headers=auth).status_code == 200
    assert https.post(base + "/run-pending", headers=auth).json() == {"interviews_run": 0}


def test_helpers_need_a_session(org_server, https):
    server, config, org, sf = org_server
    for path in ("/clock", "/outbox", "/limits", "/failed-interviews"):
        response = https.get(config.instance_url + "/_orgsim" + path)
        assert response.status_code == 401 and response.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    assert https.get(config.instance_url + "/_orgsim/health").status_code == 200  # liveness only


def test_webhook_secret_can_be_set_by_the_harness(org_server, https):
    server, config, org, sf = org_server
    auth = {"Authorization": f"Bearer {sf.session_id}"}
    bad = https.post(config.instance_url + "/_orgsim/webhook-secret", json={"secret": "nope"}, headers=auth)
    assert bad.status_code == 400
    ok = https.post(config.instance_url + "/_orgsim/webhook-secret", json={"secret": "whsec_abc"}, headers=auth)
    assert ok.status_code == 200 and "whsec_abc" not in ok.text and config.webhook_secret == "whsec_abc"
