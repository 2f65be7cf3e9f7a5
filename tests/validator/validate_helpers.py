"""Helpers for the validator tests: run the real `sfpay validate` in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

WORKTREE = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
FIXTURES = HERE / "fixtures"


def run_validate(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(WORKTREE) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sfpay", "validate", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def findings_of(result: subprocess.CompletedProcess) -> list[dict]:
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)["findings"]
