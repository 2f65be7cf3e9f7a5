"""Run an `sfpay` sub-command inside the CumulusCI process, as the user would type it.

The generate and validate steps are the project's own commands; calling them through the
packages' own command registrations (generator/cli.py, validator/cli.py: the functions
`sfpay` itself composes), not a shell string, means the pipeline runs exactly what
`sfpay generate --check` and `sfpay validate` run, with the same messages and exit codes,
and needs no `sfpay` executable on PATH. The pipeline stands below the `sfpay` command, so
it builds this small app of the two packages it runs instead of importing sfpay.cli.
"""

from __future__ import annotations

import contextlib
import io
import logging

import click
import typer


def _app() -> typer.Typer:
    import generator.cli
    import validator.cli

    app = typer.Typer(name="sfpay", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
    generator.cli.register(app)
    validator.cli.register(app)
    return app


def run_sfpay(args: list[str], logger: logging.Logger) -> int:
    """Run `sfpay <args>` (generate or validate); log its output line by line; return its exit code."""
    command = typer.main.get_command(_app())
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
