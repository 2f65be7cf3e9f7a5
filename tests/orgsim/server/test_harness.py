"""Harness helpers (/_orgsim/...) behind the same bearer auth."""

from __future__ import annotations

import datetime as dt

from tests.orgsim.sql_trace import query_plan, traced


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


def test_the_outbox_of_one_record(org_server, https):
    """`?record_id=` answers that record's mails only (the harness asks per record, and a stack
    that has run many verifies holds thousands of mails: it must not send them all each time)."""
    import json

    server, config, org, sf = org_server
    auth = {"Authorization": f"Bearer {sf.session_id}"}
    base = config.instance_url + "/_orgsim/outbox"
    first, second = sf.Account.create({"Name": "A"})["id"], sf.Account.create({"Name": "B"})["id"]
    with org.store.lock:
        for record in (first, second, first):
            org.store.conn.execute(
                "INSERT INTO _outbox(created_at, alert, template, record_id, sender, recipients, cc, subject, body, "
                "smtp_status) VALUES ('2026-12-01T00:00:00+00:00', 'Account.A', 'T/T', ?, 's@x.org', ?, '[]', 's', "
                "'b', 'sent')",
                (record, json.dumps(["p@x.org"])),
            )
    everything = https.get(base, headers=auth).json()
    assert len(everything) == 3
    mine = https.get(base, params={"record_id": first}, headers=auth).json()
    assert mine == [mail for mail in everything if mail["record_id"] == first] and len(mine) == 2
    assert https.get(base, params={"record_id": first[:15]}, headers=auth).json() == mine  # 15-character form
    for bad in ("001", "x" * 18, "001'--" + "0" * 12):
        refused = https.get(base, params={"record_id": bad}, headers=auth)
        assert refused.status_code == 400 and refused.json()[0]["errorCode"] == "MALFORMED_ID", bad
    unknown = https.get(base, params={"recordid": first}, headers=auth)
    assert unknown.status_code == 400 and unknown.json()[0]["errorCode"] == "INVALID_FIELD"


def test_the_transactions_since_a_mark(org_server, https):
    """`/_orgsim/limits?since=SEQ` answers the transactions after SEQ, and `?last=N` the last N,
    from the log's key rather than by reading every transaction the org has recorded (a stack
    that ran many verifies holds tens of thousands)."""
    server, config, org, sf = org_server
    auth = {"Authorization": f"Bearer {sf.session_id}"}
    base = config.instance_url + "/_orgsim/limits"
    for n in range(3):
        sf.Account.create({"Name": f"Before {n}"})
    everything = https.get(base, headers=auth).json()["transactions"]
    mark = https.get(base, params={"last": 1}, headers=auth).json()["transactions"][-1]["seq"]
    assert mark == everything[-1]["seq"]
    sf.Account.create({"Name": "After"})
    after = https.get(base, params={"since": mark}, headers=auth).json()
    assert [t["label"] for t in after["transactions"]] == ["api insert Account"]
    assert after["transactions"][0]["seq"] > mark and after["max"]["dml"] == after["transactions"][0]["dml"]
    both = https.get(base, params={"since": 0, "last": 2}, headers=auth).json()["transactions"]
    assert [t["seq"] for t in both] == [t["seq"] for t in https.get(base, headers=auth).json()["transactions"][-2:]]
    for bad in ("-1", "x", "²", "1" * 12):
        refused = https.get(base, params={"since": bad}, headers=auth)
        assert refused.status_code == 400 and refused.json()[0]["errorCode"] == "INVALID_FIELD", bad


def test_the_failed_interviews_since_a_mark(org_server, https):
    """`/_orgsim/failed-interviews?since=SEQ` (and `?last=N`) as for limits: the harness marks
    before a step and reads the failures after it, by the log's key, not every interview that
    ever failed in a long-lived org."""
    server, config, org, sf = org_server
    auth = {"Authorization": f"Bearer {sf.session_id}"}
    base = config.instance_url + "/_orgsim/failed-interviews"
    with org.store.lock:
        for n in range(300):
            org.record_failed_interview("Flow_A", "Path", "Element", f"006{n:015d}", f"guid-{n}", "scheduled", "boom")
    everything = https.get(base, headers=auth).json()
    assert len(everything) == 300
    mark = https.get(base, params={"last": 1}, headers=auth).json()[-1]["seq"]
    assert mark == everything[-1]["seq"]
    with org.store.lock:
        org.record_failed_interview("Flow_B", "Path", "Element", "006" + "9" * 15, "guid-new", "async", "late")
    after, statements = traced(org, lambda: https.get(base, params={"since": mark}, headers=auth).json())
    assert [(f["flow"], f["message"]) for f in after] == [("Flow_B", "late")]
    reads = [s for s in statements if "FROM _failed_interviews" in s]
    assert reads and all(not step.startswith("SCAN") for s in reads for step in query_plan(org, s)), reads
    assert https.get(base, params={"since": 0, "last": 2}, headers=auth).json() == (everything + after)[-2:]
    for bad in ("-1", "x", "²", "1" * 12):
        refused = https.get(base, params={"last": bad}, headers=auth)
        assert refused.status_code == 400 and refused.json()[0]["errorCode"] == "INVALID_FIELD", bad


def test_the_harness_reads_failed_interviews_since_its_mark(org_server):
    """The harness's client (harness/targets/local.py OrgHelpers) marks with `last=1` and reads
    what failed after the mark with `since`: the bulk scenario polls it while 200 invoices are
    made, on a stack that keeps every interview that ever failed."""
    from harness.targets.local import OrgHelpers

    server, config, org, sf = org_server
    helpers = OrgHelpers(sf)
    with org.store.lock:
        for n in range(5):
            org.record_failed_interview("Flow_A", "Path", "Element", f"006{n:015d}", f"guid-{n}", "scheduled", "boom")
    mark = helpers.failed_interviews(last=1)
    assert len(mark) == 1
    with org.store.lock:
        org.record_failed_interview("Flow_B", "Path", "Element", "006" + "9" * 15, "guid-new", "async", "late")
    assert [f["flow"] for f in helpers.failed_interviews(since=mark[0]["seq"])] == ["Flow_B"]
    assert len(helpers.failed_interviews()) == 6
