"""Commands that parse their own arguments (argparse in a `run(argv) -> exit code` function)
and are listed in a typer app all the same.

`sfpay` calls such a `run` before building its typer app (sfpay/cli.py: typer's start-up would
dominate these often-run commands); registering it with typer as well lists it in `sfpay --help`
and lets other apps (pipeline/tasks/sfpay_command.py) offer it. The `run` is named
"module:function" and imported only when the command runs.

No `from __future__ import annotations` here: typer reads the registered function's
annotation (`typer.Context`) at registration, and typer itself is imported only then, so the
annotation must be the class, evaluated where the function is defined.
"""

import importlib
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import typer


def load_run(ref: str) -> Callable[[list[str]], int]:
    """The `run(argv)` function named by "module:function"."""
    module_name, function_name = ref.split(":")
    run: Callable[[list[str]], int] = getattr(importlib.import_module(module_name), function_name)
    return run


def run_with_collector_paused(run: Callable[[list[str]], int], argv: list[str]) -> int:
    """`run(argv)` with Python's cyclic garbage collector paused, resumed after only if it was on.

    A self-parsing command's run allocates modules, classes and one tree, all alive until exit,
    so the collector finds next to nothing, yet its passes over that heap were 3-5% of a
    `sfpay generate` or `sfpay validate` run's instructions (callgrind, issue 17). A caller's
    process (tests, the harness) keeps collecting as before."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        return run(argv)
    finally:
        if collecting:
            gc.enable()


def register_self_parsing(app: "typer.Typer", name: str, help: str, run_ref: str) -> None:
    """List `name` in `app`, handing every argument after it to `run_ref` unparsed."""
    import typer

    def command(ctx: typer.Context) -> None:
        raise typer.Exit(load_run(run_ref)(list(ctx.args)))

    app.command(
        name,
        help=help,
        add_help_option=False,  # --help is the command's own (argparse)
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "allow_interspersed_args": False},
    )(command)
