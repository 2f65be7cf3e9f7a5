"""`sfpay validate`: registers the command; the behaviour is in `validator.command`.

The command parses its own arguments (argparse, in `validator.command.run`) instead of
declaring typer parameters: typer 0.29 builds a pydantic TypeAdapter for every declared
parameter on every start (~10 ms each), and `sfpay validate` has a cold-start budget
(see bench/bench_validate.py). `validator.command` does not import typer, so an entry
point can call `run(argv)` without paying typer's start-up (`python -m validator`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sfpay.self_parsing import register_self_parsing
from validator.command import HELP

if TYPE_CHECKING:
    import typer


def register(app: typer.Typer) -> None:
    register_self_parsing(app, "validate", HELP, "validator.command:run")
