"""Help on every command: `-h` works, and at 80 columns nothing is cut off."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer

from sfpay import cli


def _command_paths(command, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        paths += _command_paths(sub, prefix + (name,))
    return paths


def test_every_command_has_short_help_readable_at_80_columns(monkeypatch, capsys, tmp_path):
    # In this process, through the entry point itself (sfpay.cli:main): a process per command
    # would spend its time starting Python, not showing help.
    paths = _command_paths(typer.main.get_command(cli.app))
    assert len(paths) > 15
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("SFPAY_CACHE_DIR", str(tmp_path))
    for path in paths:
        where = "sfpay " + " ".join(path)
        with pytest.raises(SystemExit) as exited:
            cli.main([*path, "-h"])
        out, err = capsys.readouterr()
        assert exited.value.code in (0, None), f"{where} -h: {err}"
        assert out.strip(), where
        for line in out.splitlines():
            assert len(line) <= 80, f"{where}: {line!r}"
            cut = "…" in line or (line.rstrip().endswith("...") and not line.startswith("Usage:"))
            assert not cut, f"{where}: cut off: {line!r}"


def test_top_level_help_is_kept_and_printed_again_without_typer(tmp_path):
    """`sfpay --help` has a start-up budget (issue 17): the text typer renders is kept, and a
    later run prints it without importing typer or any command module."""
    env = {**os.environ, "COLUMNS": "80", "SFPAY_CACHE_DIR": str(tmp_path)}
    probe = (
        "import sys\nfrom sfpay.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
        "print(sorted(m for m in ('typer', 'generator.cli', 'harness.cli') if m in sys.modules), file=sys.stderr)\n"
    )

    def run(columns: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env={**env, "COLUMNS": columns}, timeout=60
        )

    first, second = run("80"), run("80")
    assert first.stderr.strip() == "['generator.cli', 'harness.cli', 'typer']", first.stderr
    assert second.stderr.strip() == "[]", second.stderr
    assert second.stdout == first.stdout and "Commands:" in first.stdout
    narrow = run("60")  # another width: rendered (and wrapped) anew
    assert narrow.stderr.strip() != "[]" and narrow.stdout != first.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 60
