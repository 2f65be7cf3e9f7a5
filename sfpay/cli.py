"""The `sfpay` command.

Each package owns its own commands: `<package>/cli.py` exposes `register(app)`, which adds
its commands (or a sub-typer) to the root app. This module only composes them, so the
packages stay independent and the command line stays cheap to import (every `register`
must import its heavy dependencies lazily, inside the command bodies).
"""

from __future__ import annotations

import importlib

import typer

# Order is the order of `sfpay --help`.
COMMAND_MODULES = (
    "generator.cli",
    "validator.cli",
    "pipeline.cli",
    "orgsim.cli",
    "stripesim.cli",
    "harness.cli",
)

app = typer.Typer(
    name="sfpay",
    help="Stripe-to-Salesforce payment automation from one YAML spec.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # A package that is not part of this checkout yet; any other missing
            # module is a real error and must surface.
            if exc.name in (module_name, module_name.split(".")[0]):
                continue
            raise
        module.register(app)


_register_all()


def main() -> None:
    app()
