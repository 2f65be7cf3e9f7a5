"""The org clock is monotonic across kill -9 (issue 14, item 9).

`sfpay org serve` runs a clock that follows wall time plus what scenarios advanced it by. Saving
only the instant of the last advance (and at a graceful stop) made a crashed server resume at
that instant, earlier than the time it had already shown and stamped on records; work queued
in between then waited for the clock to catch up."""

from __future__ import annotations

import datetime as dt
import json
import signal
import time
from pathlib import Path

import requests
from test_durability import _start, _wait_healthy

from sfpay.serving import free_port


def _now(http: requests.Session, url: str, auth: dict[str, str]) -> dt.datetime:
    answer = http.get(url + "/_orgsim/clock", headers=auth)
    assert answer.status_code == 200, answer.text
    return dt.datetime.fromisoformat(answer.json()["now"].replace("Z", "+00:00"))


def test_clock_never_moves_backwards_after_kill_9(tmp_path: Path, monkeypatch) -> None:
    db, log, port = tmp_path / "org" / "org.sqlite3", tmp_path / "serve.log", free_port()
    url, bundle = f"https://127.0.0.1:{port}", tmp_path / "org" / "ca-bundle.pem"
    proc = _start(db, port, log)
    try:
        _wait_healthy(proc, url, bundle, log)
        settings = json.loads((db.parent / "orgsim-server.json").read_text())
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        http = requests.Session()
        token = http.post(
            url + "/services/oauth2/token",
            data={"grant_type": "password", "username": settings["username"], "password": settings["password"]},
        ).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}

        advanced = http.post(url + "/_orgsim/clock", json={"days": 30}, headers=auth)
        assert advanced.status_code == 200, advanced.text
        time.sleep(2.5)  # the clock follows wall time after the advance
        shown = _now(http, url, auth)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

        proc = _start(db, port, log)
        _wait_healthy(proc, url, bundle, log)
        resumed = _now(http, url, auth)
        assert resumed >= shown, f"the clock moved back {shown - resumed} across kill -9"
        assert resumed - shown < dt.timedelta(minutes=5)  # and did not jump far ahead either

        # Again, killed right after an advance: the advanced time itself is kept.
        target = http.post(url + "/_orgsim/clock", json={"hours": 5}, headers=auth).json()["now"]
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc = _start(db, port, log)
        _wait_healthy(proc, url, bundle, log)
        assert _now(http, url, auth) >= dt.datetime.fromisoformat(target.replace("Z", "+00:00"))
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(15)
