"""Run an operating command (`sfpay reconcile`, `sfpay drift`, `sfpay backfill`) inside this
process, through its own command line: the same typer command, option parsing and command body
a user's `sfpay reconcile ...` runs, with its own argument list, environment, working folder,
standard output, standard error and exit code.

Why not a child process: each `python -m sfpay <operate command>` paid ~2 s of interpreter
start-up and imports (CumulusCI, stripe, simple-salesforce) before doing ~0.3 s of work, and the
scenarios that exercise the operating commands run thirteen of them. In-process the imports are
paid once per run.

What a child process gave for free is restored here: environment variables, the working
folder and `sys.path` (CumulusCI's runtime appends the project root to it) are put back after
the command; an exception that escapes the command is written to its standard error as a
traceback with exit code 1, as the interpreter does for a child.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfpay.environment import temporary_environment

if TYPE_CHECKING:
    import typer

_APP: "typer.Typer | None" = None


def _operate_app() -> "typer.Typer":
    """The operating commands as `sfpay` registers them (operate/cli.py's `register`)."""
    global _APP
    if _APP is None:
        from operate.cli import register
        from sfpay.typer_app import root_app

        app = root_app()  # as sfpay/cli.py builds the root command: -h too
        register(app)
        _APP = app
    return _APP


def _command() -> Any:
    import typer

    from sfpay.typer_app import plain_help

    command = typer.main.get_command(_operate_app())
    plain_help(command)  # click's plain help and error layout, as sfpay/cli.py's main
    return command


def run_operate(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`sfpay ARGS` for an operating command, run here; the result as a child's would be (text
    standard output and error, exit code)."""
    command = _command()
    out, err = io.StringIO(), io.StringIO()
    saved_path = list(sys.path)
    code = 0
    with (
        temporary_environment(env or {}),
        contextlib.chdir(cwd),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            command(args=args, prog_name="sfpay")
        except SystemExit as exc:  # typer.Exit in standalone mode, as `sfpay` ends
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:  # a message: printed to standard error, exit 1
                print(exc.code, file=err)
                code = 1
        except Exception:  # noqa: BLE001 - the interpreter's own behaviour for an uncaught exception
            traceback.print_exc(file=err)
            code = 1
        finally:
            sys.path[:] = saved_path
    return subprocess.CompletedProcess([sys.executable, "-m", "sfpay", *args], code, out.getvalue(), err.getvalue())
