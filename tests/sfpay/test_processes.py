"""The local stack's background processes: a stopped server that its parent has not reaped yet
(a zombie) is stopped, not running.

The harness starts the stack from the test process itself (`harness.stack.local_up`), so the
servers are that process's children; `sfpay local down`, another process, stops them and
cannot reap them. A zombie's /proc/<pid>/cmdline is empty: read as "running, trust the pid",
every `local down` waited out the whole SIGTERM budget per server (issue 17: a 21 s teardown).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sfpay.local import processes

MARKER = "sfpay-test-sleeper"


def _state(pid: int) -> str:
    # /proc/<pid>/stat: "pid (comm) STATE ..."; comm may hold spaces, so split after its ")".
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _wait_for_zombie(pid: int) -> None:
    deadline = time.monotonic() + 10
    while _state(pid) != "Z":
        assert time.monotonic() < deadline, f"pid {pid} did not exit"
        time.sleep(0.02)


def test_an_unreaped_stopped_server_is_not_alive(tmp_path: Path) -> None:
    pid = processes.start(["timeit", "-n", "1", f"import time; time.sleep(60)  # {MARKER}"], tmp_path / "sleeper.log")
    try:
        assert processes.alive(pid, MARKER)
        os.kill(pid, signal.SIGTERM)
        _wait_for_zombie(pid)  # this process is its parent and has not reaped it
        assert not processes.alive(pid, MARKER)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def test_down_from_another_process_does_not_wait_out_its_budget(tmp_path: Path) -> None:
    """What `sfpay local down` does for a stack this process started: stop from a process that
    is not the parent. SIGTERM ends the sleeper at once; the stop returns without the 10 s SIGKILL wait."""
    pid = processes.start(["timeit", "-n", "1", f"import time; time.sleep(60)  # {MARKER}"], tmp_path / "sleeper.log")
    try:
        stopper = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, time; from sfpay.local import processes; started = time.monotonic(); "
                f"stopped = processes.stop({pid}, {MARKER!r}); print(stopped, round(time.monotonic() - started, 2))",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert stopper.returncode == 0, stopper.stderr
        stopped, seconds = stopper.stdout.split()
        assert stopped == "True"
        assert float(seconds) < 5, f"stop waited {seconds} s for a process that had already exited"
    finally:
        if _state(pid) != "Z":
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
