"""Help on every command: `-h` works, and at 80 columns nothing is cut off."""

from __future__ import annotations

import os
import subprocess
import sys

import typer

from sfpay import cli


def _command_paths(command, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        paths += _command_paths(sub, prefix + (name,))
    return paths


def test_every_command_has_short_help_readable_at_80_columns():
    paths = _command_paths(typer.main.get_command(cli.app))
    assert len(paths) > 15
    env = {**os.environ, "COLUMNS": "80"}
    for path in paths:
        result = subprocess.run(
            [sys.executable, "-m", "sfpay", *path, "-h"], capture_output=True, text=True, env=env, timeout=60
        )
        where = "sfpay " + " ".join(path)
        assert result.returncode == 0, f"{where} -h: {result.stderr}"
        assert result.stdout.strip(), where
        for line in result.stdout.splitlines():
            assert len(line) <= 80, f"{where}: {line!r}"
            cut = "…" in line or (line.rstrip().endswith("...") and not line.startswith("Usage:"))
            assert not cut, f"{where}: cut off: {line!r}"
