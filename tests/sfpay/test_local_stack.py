"""`sfpay local up|down` as one coherent stack (issue 13 item 11, issue 14 #5): the spec's
merchant on stripesim, no secret on a command line, private state files, the same URLs
after a restart, and Stripe time following org time."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import psutil

from generator.spec.model import Spec
from sfpay.paths import PROJECT_ROOT
from stripesim.running import SimAdmin


def _sfpay(state: Path, *args: str, timeout: float = 180, hook: Path | None = None) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(str(p) for p in (hook, PROJECT_ROOT) if p)
    env = {**os.environ, "SFPAY_STATE_DIR": str(state), "PYTHONPATH": path}
    return subprocess.run(
        [sys.executable, "-m", "sfpay", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=str(state.parent),
    )


def _up(state: Path, hook: Path | None = None) -> dict[str, Any]:
    result = _sfpay(state, "local", "up", "--json", hook=hook)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _org_now(details: dict[str, Any]) -> float:
    response = httpx.get(
        f"{details['instance_url']}/_orgsim/clock",
        verify=details["ca_bundle"],
        headers={"Authorization": f"Bearer {details['access_token']}"},
    )
    return dt.datetime.fromisoformat(response.json()["now"].replace("Z", "+00:00")).timestamp()


# Appends "<command> <CA file or folder>" to a log for every trust an SSL context loads (the
# hook runs in every Python process started with it on PYTHONPATH).
COUNT_TRUST_LOADS = """
import os, ssl, sys
_load = ssl.SSLContext.load_verify_locations
def load_verify_locations(self, cafile=None, capath=None, cadata=None):
    with open(os.environ["TRUST_LOADS_LOG"], "a") as log:
        log.write(" ".join(sys.argv[1:3]) + " " + os.path.basename(str(cafile or capath)) + "\\n")
    return _load(self, cafile, capath, cadata)
ssl.SSLContext.load_verify_locations = load_verify_locations
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# Files of the state folder that hold nothing secret: certificates are public by nature.
PUBLIC_FILES = {"ca-bundle.pem", "server.crt", "server.pem"}


def _assert_no_secret_on_any_command_line(details: dict[str, Any]) -> None:
    secrets = [details[k] for k in ("api_key", "password", "security_token", "webhook_secret", "access_token")]
    assert all(secrets)
    checked = 0
    for process in psutil.process_iter(["pid", "cmdline"]):
        argv = " ".join(process.info["cmdline"] or ())
        checked += 1
        for secret in secrets:
            assert secret not in argv, f"pid {process.info['pid']} has a secret on its command line: {argv[:80]}"
    assert checked > 2


def _assert_private_tree(local: Path) -> None:
    """Every file of the stack's state folder (databases with their -wal/-shm files, settings,
    keys, logs) is 0600, every folder 0700 (certificates excepted: they are public)."""
    assert _mode(local) == 0o700
    names = set()
    for path in local.rglob("*"):
        names.add(path.name)
        if path.is_dir():
            assert _mode(path) == 0o700, path
        elif path.suffix == ".crt" or path.name in PUBLIC_FILES:
            continue
        else:
            assert _mode(path) == 0o600, f"{path.relative_to(local)} is {oct(_mode(path))}"
    for name in ("stack.json", "orgsim-server.json", "server.key", "stripe.sqlite3", "org.sqlite3"):
        assert name in names, name


def test_one_coherent_stack_across_a_restart(tmp_path: Path) -> None:
    state = tmp_path / ".sfpay"
    try:
        first = _up(state)
        local = Path(first["state_dir"])
        record = json.loads((local / "stack.json").read_text())

        # Secrets reach the emulators by environment and 0600 files: every process's command
        # line is readable by every local user (/proc/<pid>/cmdline, `ps`).
        cmdline = Path(f"/proc/{record['stripe_pid']}/cmdline").read_bytes().decode()
        assert "--account-name" in cmdline
        _assert_no_secret_on_any_command_line(first)
        _assert_private_tree(local)

        # The hosted page shows the spec's Stripe account name (here: the spec model's default).
        admin = SimAdmin(first["api_base"], first["api_key"])
        try:
            assert admin.account()["name"] == Spec().stripe.account_name == first["stripe_account_name"]
        finally:
            admin.close()

        # Scenarios move the org's clock months ahead; a restart keeps Stripe time with it.
        httpx.post(
            f"{first['instance_url']}/_orgsim/clock",
            json={"days": 150},
            verify=first["ca_bundle"],
            headers={"Authorization": f"Bearer {first['access_token']}"},
        ).raise_for_status()
        assert _sfpay(state, "local", "down").returncode == 0
        hook = tmp_path / "hook"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(COUNT_TRUST_LOADS)
        loads = tmp_path / "trust-loads.log"
        os.environ["TRUST_LOADS_LOG"] = str(loads)
        try:
            second = _up(state, hook=hook)
        finally:
            del os.environ["TRUST_LOADS_LOG"]
        # Issue 17: starting the stack polls the servers' health and talks to both. The CA bundle
        # file (the public roots and the org's certificate, ~40 ms of CPU per context) is never
        # loaded: every context reads the hashed CA folder, where OpenSSL parses only the
        # certificate a connection needs (orgsim/server/tls.py).
        up_loads = [line for line in loads.read_text().splitlines() if line.startswith("local up ")]
        assert "local up ca-certs" in up_loads and "local up ca-bundle.pem" not in up_loads, up_loads

        # Saved hosted-invoice URLs and webhook endpoints keep working: same ports.
        assert (second["instance_url"], second["api_base"]) == (first["instance_url"], first["api_base"])
        admin = SimAdmin(second["api_base"], second["api_key"])
        try:
            stripe_now = float(admin.clock()["now"])
        finally:
            admin.close()
        assert abs(_org_now(second) - stripe_now) < 120, "stripesim's clock does not follow the org's"
        _assert_no_secret_on_any_command_line(second)
        _assert_private_tree(local)
    finally:
        _sfpay(state, "local", "down", timeout=60)
