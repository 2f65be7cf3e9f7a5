"""`sfpay validate`: registers the command; the behaviour is in `validator.command`.

The command parses its own arguments (argparse, in `validator.command.run`) instead of
declaring typer parameters: typer 0.29 builds a pydantic TypeAdapter for every declared
parameter on every start (~10 ms each), and `sfpay validate` has a cold-start budget
(see bench/bench_validate.py). `validator.command` does not import typer, so an entry
point can call `run(argv)` without paying typer's start-up (`python -m validator`).
"""

from __future__ import annotations

import typer

from validator.command import HELP


def register(app: typer.Typer) -> None:
    app.command(
        "validate",
        help=HELP,
        add_help_option=False,
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "allow_interspersed_args": False},
    )(validate_command)


def validate_command(ctx: typer.Context) -> None:
    from validator.command import run

    raise typer.Exit(run(list(ctx.args)))
