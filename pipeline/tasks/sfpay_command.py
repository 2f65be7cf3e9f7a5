"""Run an `sfpay` sub-command inside the CumulusCI process, as the user would type it.

The generate and validate steps are the project's own commands; calling them through the
command line's Python entry point (not a shell string) means the pipeline runs exactly what
`sfpay generate --check` and `sfpay validate` run, with the same messages and exit codes,
and needs no `sfpay` executable on PATH.
"""

from __future__ import annotations

import contextlib
import io
import logging

import click
import typer


def run_sfpay(args: list[str], logger: logging.Logger) -> int:
    """Run `sfpay <args>`; log its output line by line; return its exit code."""
    from sfpay.cli import app

    command = typer.main.get_command(app)
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            result = command.main(args=args, prog_name="sfpay", standalone_mode=False)
            code = result if isinstance(result, int) else 0
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except click.ClickException as exc:
            exc.show(file=output)
            code = exc.exit_code
        except click.exceptions.Abort:
            code = 1
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    for line in output.getvalue().splitlines():
        if line.strip():
            (logger.error if code else logger.info)(line)
    return code
