"""`sfpay <command>` builds only the modules that register <command> (sfpay.cli.COMMAND_OWNERS):
the table must name every top-level command, and each partial tree must be the full tree's
command exactly (its sub-commands, parameters, help), or a command would parse differently
from how `sfpay --help` documents it."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import typer

from sfpay.cli import COMMAND_OWNERS, build_app, get_app


def _described(command: Any) -> tuple:
    params = tuple(
        (param.name, tuple(param.opts), tuple(param.secondary_opts), param.required, repr(param.default))
        for param in command.params
    )
    subcommands = tuple((name, _described(sub)) for name, sub in sorted(getattr(command, "commands", {}).items()))
    return (command.name, command.help, params, subcommands)


def test_every_top_level_command_has_its_owners():
    full = typer.main.get_command(get_app())
    assert sorted(COMMAND_OWNERS) == sorted(full.commands)  # type: ignore[attr-defined]


def test_each_partial_tree_is_the_full_trees_command():
    full = typer.main.get_command(get_app())
    for name, modules in COMMAND_OWNERS.items():
        partial = typer.main.get_command(build_app(modules))
        assert name in partial.commands, name  # type: ignore[attr-defined]
        assert _described(partial.commands[name]) == _described(full.commands[name]), name  # type: ignore[attr-defined]


def test_a_partial_tree_runs_its_command_by_name():
    """A root holding one command (or one group) stays a group: typer would run a lone command
    without its name, and take `init` or `local` for an argument."""
    for args, usage in (
        (["init", "--no-such-option"], "Usage: sfpay init "),
        (["local", "stauts"], "Usage: sfpay local "),
    ):
        done = subprocess.run([sys.executable, "-m", "sfpay", *args], capture_output=True, text=True)
        assert done.returncode == 2, done.stderr
        assert usage in done.stderr and "No such" in done.stderr, done.stderr
