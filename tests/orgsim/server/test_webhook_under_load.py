"""The listener under load, over real HTTPS against a server that runs due work as `sfpay org
serve` does (create_app(background_interval=...)): a 200 always means the event is stored, and a
delivery is not held behind a backlog of due scheduled paths (issue 17 #5)."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import hmac
import json
import time

import pytest

from orgsim import Clock, Org
from orgsim.server.app import create_app
from orgsim.server.running import start_in_thread
from orgsim.server.sessions import SessionIssuer
from sfpay.paths import PROJECT_ROOT
from sfpay.serving import free_port

SECRET = "whsec_test_listener_under_load"
PATH = "/services/apexrest/stripeGC/webhook"
BACKLOG = 150  # scheduled paths due at once when the server starts


def _body(event_id: str) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": "invoice.paid",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": {"id": f"in_{event_id}", "object": "invoice", "status": "paid"}},
        },
        indent=2,
    ).encode()


def _headers(body: bytes) -> dict:
    timestamp = int(time.time())
    mac = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "Stripe-Signature": f"t={timestamp},v1={mac}"}


@pytest.fixture
def running_org(tmp_path, tls_files, https):
    """The generated project's event flow (a scheduled path one minute after each Stripe Event)
    in a file org with BACKLOG events whose paths are already due, served with a due-work runner."""
    from tests.orgsim.server.conftest import make_config

    db = tmp_path / "org.sqlite3"
    past = Clock(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5))
    setup = Org.open(db, clock=past, run_async="manual")
    setup.deploy_source(PROJECT_ROOT / "force-app")
    for i in range(BACKLOG):
        setup.intake_stripe_event(json.loads(_body(f"evt_backlog_{i:04d}")))
    setup.close()
    org = Org.open(db, clock=Clock.resume(None, None, frozen=False), run_async="inline")
    port = free_port()
    config = make_config(port, None, webhook_secret=SECRET)
    server = start_in_thread(create_app(org, config, background_interval=1.0), port, *tls_files)
    token, _ = SessionIssuer(config).issue(config.username)
    yield config, {"Authorization": f"Bearer {token}"}
    server.stop()


def test_delivery_is_answered_without_waiting_for_the_due_backlog(running_org, https):
    config, auth = running_org
    body = _body("evt_during_backlog")
    answer = https.post(config.instance_url + PATH, data=body, headers=_headers(body))
    assert answer.status_code == 200, answer.text
    # The next request runs after at most the one batch in progress: most of the backlog is
    # still queued. (The intake used to run every due path before answering, and the once-a-
    # second sweep held the org for the whole backlog: nothing was left by the time it answered.)
    pending = https.get(config.instance_url + "/_orgsim/pending-work", headers=auth).json()
    backlog = [w for w in pending if w["record_id"] != answer.json()["id"]]
    assert len(backlog) > BACKLOG // 2
    # ... and the runner still works through all of it, in due order, without a request.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pending = https.get(config.instance_url + "/_orgsim/pending-work", headers=auth).json()
        if [w["record_id"] for w in pending] == [answer.json()["id"]]:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"{len(pending)} queued paths left after 60 s")
    failed = https.get(config.instance_url + "/_orgsim/failed-interviews", headers=auth).json()
    assert failed == []


def test_every_200_under_concurrent_deliveries_has_its_record(running_org, https):
    config, auth = running_org
    ids = [f"evt_concurrent_{i:03d}" for i in range(60)]
    deliveries = ids + ids[::3]  # Stripe delivers at least once: some twice, concurrently

    def deliver(event_id: str):
        body = _body(event_id)
        return event_id, https.post(config.instance_url + PATH, data=body, headers=_headers(body))

    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(deliver, deliveries))
    assert [a.status_code for _, a in answers] == [200] * len(deliveries)
    query = "SELECT Id, Name FROM stripeGC__Stripe_Event__c WHERE Name LIKE 'evt_concurrent_%'"
    records = https.get(config.instance_url + "/services/data/v66.0/query", params={"q": query}, headers=auth).json()
    names = sorted(r["Name"] for r in records["records"])
    assert names == sorted(ids)  # every answered event stored, each exactly once
    by_name = {r["Name"]: r["Id"] for r in records["records"]}
    assert all(a.json()["id"] == by_name[event_id] for event_id, a in answers)


def test_async_path_of_a_delivered_event_runs_right_after_the_answer(tmp_path, tls_files, https):
    """The listener answers once the event is stored and wakes the due-work runner for the async
    path the event queued: it runs at once, not at the runner's next sweep (30 s here)."""
    from tests.orgsim.orgsim_helpers import flow, standard_fields, value
    from tests.orgsim.server.conftest import make_config

    standard_fields(tmp_path)
    flow(
        tmp_path,
        "Event_Async_Log",
        start="<object>stripeGC__Stripe_Event__c</object><recordTriggerType>Create</recordTriggerType>"
        "<triggerType>RecordAfterSave</triggerType><scheduledPaths><connector><targetReference>Log"
        "</targetReference></connector><pathType>AsyncAfterCommit</pathType></scheduledPaths>",
        body=f"""<recordCreates><name>Log</name><label>Log</label><locationX>0</locationX><locationY>0</locationY>
            <inputAssignments><field>stripeGC__Action_Taken__c</field>{value("stringValue", "async ran")}</inputAssignments>
            <object>stripeGC__Sync_Log__c</object><storeOutputAutomatically>true</storeOutputAutomatically></recordCreates>""",
    )
    org = Org.open(tmp_path / "org.sqlite3", clock=Clock(frozen=False), run_async="inline")
    org.deploy_source(tmp_path)
    port = free_port()
    config = make_config(port, None, webhook_secret=SECRET)
    server = start_in_thread(create_app(org, config, background_interval=30.0), port, *tls_files)
    try:
        token, _ = SessionIssuer(config).issue(config.username)
        auth = {"Authorization": f"Bearer {token}"}
        body = _body("evt_async_path")
        assert https.post(config.instance_url + PATH, data=body, headers=_headers(body)).status_code == 200
        query = "SELECT stripeGC__Action_Taken__c FROM stripeGC__Sync_Log__c"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = https.get(
                config.instance_url + "/services/data/v66.0/query", params={"q": query}, headers=auth
            ).json()
            if found["totalSize"]:
                break
            time.sleep(0.1)
        assert [r["stripeGC__Action_Taken__c"] for r in found["records"]] == ["async ran"]
    finally:
        server.stop()
