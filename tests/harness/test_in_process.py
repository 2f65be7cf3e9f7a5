"""The operating commands run in the verify process (harness/in_process.py) answer exactly as the
`sfpay` command line does in a child process: same exit code, standard output and standard
error; and they leave the environment, working folder and import path as they found them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.in_process import run_operate
from sfpay.paths import PROJECT_ROOT

CASES = [
    # The format is checked before any org is contacted: exit 2 with the message.
    (["drift", "--org", "nosuch", "--format", "xml"], PROJECT_ROOT),
    # A usage error from the option parser (click): exit 2, usage on standard error.
    (["reconcile", "--org", "local", "--bogus"], PROJECT_ROOT),
    # No project found from the working folder: exit 2, naming where it looked.
    (["backfill", "--org", "nosuch", "--format", "json"], None),
]


def _child(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sfpay", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize(("args", "cwd"), CASES, ids=[c[0][0] for c in CASES])
def test_in_process_answers_as_the_command_line(args, cwd, tmp_path):
    cwd = cwd or tmp_path
    env = {"COLUMNS": "200", "SFPAY_IN_PROCESS_PROBE": "1"}
    child = _child(args, cwd, env)
    assert child.returncode != 0, child.stdout  # each case is an error the command reports
    before = (dict(os.environ), Path.cwd(), list(sys.path))
    here = run_operate(args, cwd=cwd, env=env)
    assert (here.returncode, here.stdout, here.stderr) == (child.returncode, child.stdout, child.stderr)
    assert (dict(os.environ), Path.cwd(), list(sys.path)) == before
