"""`GET /_orgsim/quiescence` over real HTTPS: busy while a queued path is due or another request
is in flight, quiescent once the due work ran and the request finished; work due later is
reported (when) without making the org busy."""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import time

import pytest

from orgsim import Clock, Org
from orgsim.server.app import create_app
from orgsim.server.running import start_in_thread
from orgsim.server.sessions import SessionIssuer
from sfpay.paths import PROJECT_ROOT
from sfpay.serving import free_port
from tests.orgsim.server.test_webhook_under_load import SECRET, _body, _headers

PATH = "/services/apexrest/stripeGC/webhook"


@pytest.fixture
def org_with_due_path(tmp_path, tls_files, https):
    """The generated event flow (a scheduled path one minute after each Stripe Event) in a file
    org with one event whose path is already due, served without a due-work runner, so the due
    path waits until someone asks for it to run."""
    from tests.orgsim.server.conftest import make_config

    db = tmp_path / "org.sqlite3"
    past = Clock(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5))
    setup = Org.open(db, clock=past, run_async="manual")
    setup.deploy_source(PROJECT_ROOT / "force-app")
    setup.intake_stripe_event(json.loads(_body("evt_due_before_start")))
    setup.close()
    org = Org.open(db, clock=Clock.resume(None, None, frozen=True), run_async="manual")
    port = free_port()
    config = make_config(port, None, webhook_secret=SECRET)
    server = start_in_thread(create_app(org, config), port, *tls_files)
    token, _ = SessionIssuer(config).issue(config.username)
    yield config, {"Authorization": f"Bearer {token}"}, tls_files
    server.stop()


def quiescence(https, config, auth) -> dict:
    answer = https.get(config.instance_url + "/_orgsim/quiescence", headers=auth)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_due_work_is_busy_until_it_ran_and_later_work_is_reported(org_with_due_path, https):
    config, auth, _ = org_with_due_path
    busy = quiescence(https, config, auth)
    assert busy["quiescent"] is False and busy["due_now"] is True
    assert busy["requests_in_flight"] == 0 and busy["next_due_in_seconds"] <= 0

    assert https.post(config.instance_url + "/_orgsim/run-pending", headers=auth).json() == {"interviews_run": 1}
    idle = quiescence(https, config, auth)
    assert idle["quiescent"] is True and idle["next_due_at"] is None and idle["next_due_in_seconds"] is None

    # A new delivery queues the event flow's path one minute out: not due now, but reported.
    body = _body("evt_delivered_now")
    assert https.post(config.instance_url + PATH, data=body, headers=_headers(body)).status_code == 200
    later = quiescence(https, config, auth)
    assert later["quiescent"] is True and later["due_now"] is False
    assert later["next_due_in_seconds"] == pytest.approx(60, abs=1)
    assert later["requests_started"] > idle["requests_started"]  # the delivery counted; asking did not

    assert https.post(config.instance_url + "/_orgsim/clock", json={"minutes": 1}, headers=auth).status_code == 200
    done = quiescence(https, config, auth)
    assert done["quiescent"] is True and done["next_due_at"] is None


def test_a_request_in_flight_is_busy_until_it_is_answered(org_with_due_path, https):
    config, auth, tls_files = org_with_due_path
    https.post(config.instance_url + "/_orgsim/run-pending", headers=auth)
    body = _body("evt_slow_sender")
    head = "".join(f"{k}: {v}\r\n" for k, v in _headers(body).items())
    context = ssl.create_default_context(cafile=str(tls_files[0]))
    port = int(config.instance_url.rsplit(":", 1)[1])
    with (
        socket.create_connection(("127.0.0.1", port)) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        # The headers and half the body: the listener is reading it, the delivery is in flight.
        tls.sendall(
            f"POST {PATH} HTTP/1.1\r\nHost: localhost\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode()
            + body[: len(body) // 2]
        )
        deadline = time.monotonic() + 10
        state = quiescence(https, config, auth)
        while state["requests_in_flight"] == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
            state = quiescence(https, config, auth)
        assert state["quiescent"] is False and state["requests_in_flight"] == 1
        tls.sendall(body[len(body) // 2 :])
        assert tls.recv(4096).startswith(b"HTTP/1.1 200")
    deadline = time.monotonic() + 10
    while quiescence(https, config, auth)["requests_in_flight"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert quiescence(https, config, auth)["quiescent"] is True


def test_quiescence_needs_a_session_and_takes_no_parameters(org_with_due_path, https):
    config, auth, _ = org_with_due_path
    anonymous = https.get(config.instance_url + "/_orgsim/quiescence")
    assert anonymous.status_code == 401 and anonymous.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    refused = https.get(config.instance_url + "/_orgsim/quiescence", params={"within": "1"}, headers=auth)
    assert refused.status_code == 400 and refused.json()[0]["errorCode"] == "INVALID_FIELD"
