"""Background processes of the local stack: start detached, check, stop — only our own pids."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sfpay.private_files import create_private_file


def start(args: list[str], log_path: Path, env_extra: dict[str, str] | None = None) -> int:
    """Run `python -m <args>` detached (own session, survives this command), output to `log_path`.

    The same interpreter finds the same installed sfpay; the process runs in the state
    folder, so it never depends on (or writes into) the folder it was started from."""
    env = {**os.environ, **(env_extra or {})}
    # Logs carry no secrets (the servers redact keys), but a traceback may quote request
    # data: private like the rest of the state folder.
    create_private_file(log_path)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=str(log_path.parent),
            start_new_session=True,
        )
    return proc.pid


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _exited(pid: int) -> bool:
    """True for a process that has exited but is not reaped yet (a zombie, state Z in
    /proc/<pid>/stat, https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html). The
    servers of a stack started from a longer-lived process (the harness starts it from the
    test process) are that process's children: `sfpay local down`, run from another process,
    cannot reap them, and until their parent does they still answer `kill(pid, 0)`."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # "pid (comm) state ...": comm may hold spaces and parentheses, the state follows the last ")".
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def identity(pid: int) -> str | None:
    """`pid` and the process's start time (clock ticks after boot, field 22 of /proc/<pid>/stat,
    https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html): names one process for good,
    where a pid alone may be recycled. None without /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command's closing parenthesis start at field 3 (state).
    fields = stat.rpartition(")")[2].split()
    return f"{pid}@{fields[19]}" if len(fields) > 19 else None


def alive(pid: int, marker: str) -> bool:
    """True if `pid` runs and is still our process (its command line contains `marker`), so a
    recycled pid is never mistaken for, or signalled as, part of the stack."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    if _exited(pid):  # a zombie's cmdline is empty: it would pass as "no /proc" below
        return False
    cmdline = _cmdline(pid)
    if not cmdline:  # no /proc (non-Linux): trust the pid
        return True
    return marker in cmdline


def stop(pid: int, marker: str, timeout: float = 10.0) -> bool:
    """SIGTERM (graceful: the org saves its clock), then SIGKILL after `timeout`. False if not ours/not running."""
    if not alive(pid, marker):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pid)
        if not alive(pid, marker):
            return True
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    _reap(pid)
    return True


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
