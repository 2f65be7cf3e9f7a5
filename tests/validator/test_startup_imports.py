"""What a `sfpay validate` run imports (issue 17: its start-up is most of its time).

Checked through a subprocess and `sys.modules`, never a timer: modules that only some runs
need (a "did you mean" message, a cache write, the whole catalog, the spec model) stay out of
the common run, where each would cost every user every time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from validate_helpers import WORKTREE

_PROBE = (
    "import sys\n"
    "from sfpay.cli import main\n"
    "try:\n"
    "    main(['validate', *sys.argv[1:]])\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    "print(code, ' '.join(sorted(sys.modules)), file=sys.stderr)\n"
)

# Imported by none of a clean run's modules: each costs start-up time and is needed elsewhere only.
NOT_ON_THE_COMMON_PATH = (
    "dataclasses",  # records are NamedTuples and sfmeta.record.Record: @dataclass compiles code at import
    "difflib",  # "did you mean" suggestions, imported where a finding needs one
    "tempfile",  # the cache's atomic write uses os.open
    "typer",  # `sfpay validate` parses its own arguments
    "pydantic",  # the spec model: the namespace is read without it
    "ruamel",  # only YAML libyaml cannot read as plain goes through ruamel
    "xmlschema",
)


def _modules(args: list[str], cache: Path) -> set[str]:
    env = {"SFPAY_CACHE_DIR": str(cache), "PYTHONPATH": str(WORKTREE), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=120, env=env, cwd=WORKTREE
    )
    code, _, names = result.stderr.strip().splitlines()[-1].partition(" ")
    assert code in ("0", "None"), result.stderr
    return set(names.split())


def _imported(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


def test_a_clean_run_imports_none_of_the_occasional_modules(tmp_path: Path) -> None:
    tree = tmp_path / "force-app"
    shutil.copytree(WORKTREE / "force-app", tree)
    for _ in range(2):  # the first run fills the cache, the second reads it
        modules = _modules([str(tree)], tmp_path / "cache")
        assert "validator.engine" in modules  # the probe really validated
        assert [name for name in NOT_ON_THE_COMMON_PATH if _imported(modules, name)] == []


def test_a_finding_with_a_suggestion_still_gets_it(tmp_path: Path) -> None:
    """difflib, imported only where a message needs it, still names the close match."""
    tree = tmp_path / "force-app"
    shutil.copytree(WORKTREE / "force-app", tree)
    flow = next((tree / "main" / "default" / "flows").glob("*.flow-meta.xml"))
    text = flow.read_text(encoding="utf-8")
    assert "<name>accountRecordId</name>" in text
    flow.write_text(text.replace("<name>accountRecordId</name>", "<name>accountRecordIdd</name>", 1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "validator", str(tree)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"SFPAY_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(WORKTREE), "PATH": "/usr/bin:/bin"},
        cwd=WORKTREE,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "has no input `accountRecordIdd`; did you mean `accountRecordId`?" in result.stdout, result.stdout


def test_the_collector_is_paused_for_a_run_and_resumed_after(tmp_path: Path, monkeypatch) -> None:
    """No automatic collection during a run (its passes cost ~5% of a run and find next to
    nothing); the caller's collector is on again afterwards, and stays off if it was off."""
    import gc

    from validator.command import run

    monkeypatch.setenv("SFPAY_CACHE_DIR", str(tmp_path / "cache"))
    tree = tmp_path / "force-app"
    shutil.copytree(WORKTREE / "force-app", tree)
    collections: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        assert gc.isenabled()
        threshold = gc.get_threshold()
        gc.set_threshold(1, 1, 1)  # with the collector on, the run would collect many times
        try:
            assert run([str(tree)]) == 0
        finally:
            gc.set_threshold(*threshold)
        assert collections == []
        assert gc.isenabled()
        gc.disable()
        try:
            assert run([str(tree)]) == 0
            assert not gc.isenabled()
        finally:
            gc.enable()
    finally:
        gc.callbacks.remove(seen)
