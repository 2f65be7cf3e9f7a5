"""The validator's cache decides results (the connector namespace, the schema slice), so it lives
in a private folder: created 0700 with 0600 entries, and a folder someone else owns is neither
read nor written (sfpay.user_cache)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

WORKTREE = Path(__file__).resolve().parents[2]
SPEC = WORKTREE / "specs" / "ct-nonprofit.yml"

_PROBE = (
    "import sys\nfrom pathlib import Path\nfrom validator.project_spec import connector_namespace\n"
    "print(connector_namespace(Path(sys.argv[1])))\n"
)


def _namespace(cache: Path) -> str:
    env = {**os.environ, "SFPAY_CACHE_DIR": str(cache), "PYTHONPATH": str(WORKTREE)}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(SPEC)], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_new_cache_folder_is_private(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "sfpay"
    env = {**os.environ, "SFPAY_CACHE_DIR": str(cache), "PYTHONPATH": str(WORKTREE)}
    result = subprocess.run(
        [sys.executable, "-m", "sfpay", "validate", str(WORKTREE / "force-app")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=WORKTREE,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    entries = [p for p in cache.iterdir() if p.is_file()]
    assert entries, "nothing was cached"
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in entries} == {p.name: 0o600 for p in entries}


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder to another user needs root")
def test_a_cache_folder_someone_else_owns_is_not_read(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _namespace(cache) == "stripeGC"
    (kept,) = cache.glob("spec-*.json")
    kept.write_text(json.dumps({"namespace": "planted"}), encoding="utf-8")
    assert _namespace(cache) == "planted"  # the entry is what a later run reads...
    os.chown(cache, 65534, 65534)
    assert _namespace(cache) == "stripeGC"  # ...unless the folder is not the user's own
    assert kept.read_text(encoding="utf-8") == json.dumps({"namespace": "planted"})  # nor written
