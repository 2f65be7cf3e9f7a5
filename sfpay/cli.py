"""The `sfpay` command.

Each package owns its own commands: `<package>/cli.py` exposes `register(app)`, which adds
its commands (or a sub-typer) to the root app. This module only composes them, so the
packages stay independent and the command line stays cheap to start (every `register`
imports its heavy dependencies lazily, inside the command bodies).
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import typer

# Order is the order of `sfpay --help`.
COMMAND_MODULES = (
    "sfpay.init_command",
    "generator.cli",
    "validator.cli",
    "pipeline.cli",
    "orgsim.cli",
    "sfpay.local.cli",
    "stripesim.cli",
    "harness.cli",
    "operate.cli",
)

# Commands that parse their own arguments and are run often from scripts, CI and editors:
# `main` dispatches them before building the typer app, whose import and construction (a
# pydantic adapter per declared parameter of every command) would otherwise dominate their
# run time (the servers are started by every `sfpay local up`). They are registered with typer
# too, so `sfpay --help` lists them. Keyed by the command's words.
SELF_PARSING_COMMANDS = {
    ("validate",): "validator.command:run",
    ("generate",): "generator.command:run",
    ("stripe-sim",): "stripesim.command:run",
    ("org", "serve"): "sfpay.local.org_serve:run",
}

# The modules that register each top-level command (`org` is orgsim's group; its `serve` is
# added by sfpay.local.cli). `main` builds only the modules of the command it runs: typer
# makes a pydantic adapter for every declared parameter of every registered command, and the
# whole tree cost 150-250 ms on every run of every command, the servers' included.
# tests/sfpay/test_cli_command_owners.py keeps this table and the modules in step.
COMMAND_OWNERS: dict[str, tuple[str, ...]] = {
    "init": ("sfpay.init_command",),
    "generate": ("generator.cli",),
    "diagram": ("generator.cli",),
    "spec": ("generator.cli",),
    "validate": ("validator.cli",),
    "deploy": ("pipeline.cli",),
    "cci-env": ("pipeline.cli",),
    "org": ("orgsim.cli", "sfpay.local.cli"),
    "local": ("sfpay.local.cli",),
    "stripe-sim": ("stripesim.cli",),
    "verify": ("harness.cli",),
    "demo": ("harness.cli",),
    "webhook": ("harness.cli",),
    "reconcile": ("operate.cli",),
    "drift": ("operate.cli",),
    "backfill": ("operate.cli",),
}
ROOT_HELP = "Stripe-to-Salesforce payment automation from one YAML spec."

_app: typer.Typer | None = None


def build_app(modules: tuple[str, ...] = COMMAND_MODULES) -> typer.Typer:
    """The root app with the commands `modules` register (default: all, in help order)."""
    from sfpay.typer_app import root_app

    root = root_app(help=ROOT_HELP, no_args_is_help=True)
    for module_name in modules:
        # Every package ships in the one sfpay distribution: a missing one is a broken
        # install and must surface, never be skipped.
        importlib.import_module(module_name).register(root)
    if modules != COMMAND_MODULES:
        # A root with one command would be that command (typer runs a lone command without
        # its name); a callback keeps `sfpay <command> ...` a group, as with every command.
        root.callback()(_no_root_options)
    return root


def _no_root_options() -> None:
    """The root takes no options of its own (its help is ROOT_HELP, given to the app)."""


def get_app() -> typer.Typer:
    """The fully registered app, built on first use."""
    global _app
    if _app is None:
        _app = build_app()
    return _app


def __getattr__(name: str):
    # `from sfpay.cli import app` (tests) gets the fully registered app.
    if name == "app":
        return get_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


HELP_ARGS = (["--help"], ["-h"])


def _help_cache_entry() -> tuple[Path, str] | None:
    """Where `sfpay --help`'s text is kept (sfpay.user_cache: folder, name), named by everything
    it is rendered from (the command modules' sources, typer, Python, the terminal width), or
    None when they can't be read. Rendering it means importing typer and every command module;
    printing the kept text takes a few stat calls (issue 17: `sfpay --help` < 150 ms)."""
    import shutil
    from importlib.util import find_spec
    from pathlib import Path

    from sfpay import user_cache

    here = Path(__file__).resolve().parent.parent
    try:
        typer_spec = find_spec("typer")
        sources = [Path(typer_spec.origin)] if typer_spec and typer_spec.origin else []
        for package in sorted({name.split(".")[0] for name in COMMAND_MODULES}):
            sources += sorted((here / package).rglob("*.py"))
        stamp = user_cache.stamp(sources)
    except (OSError, ValueError, ImportError):
        return None
    name = user_cache.key_for(sys.version, str(shutil.get_terminal_size().columns), stamp)
    return user_cache.root() / "cli", f"help-{name}.txt"


def _print_help() -> None:
    """`sfpay --help`: the kept text when it is current, else typer's rendering, kept."""
    import contextlib
    import io

    from sfpay import user_cache

    entry = _help_cache_entry()
    kept = user_cache.read(*entry) if entry is not None else None
    if kept is not None:
        sys.stdout.write(kept.decode("utf-8"))
        raise SystemExit(0)
    import typer

    command = typer.main.get_command(get_app())
    from sfpay.typer_app import plain_help

    plain_help(command)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        try:
            command(args=["--help"], prog_name="sfpay")
        except SystemExit as exc:
            if exc.code not in (0, None):
                raise
    text = output.getvalue()
    sys.stdout.write(text)
    if entry is not None:
        user_cache.write(*entry, text.encode("utf-8"))  # atomic, 0600, in a private folder
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args in HELP_ARGS:
        _print_help()
    for words, run_ref in SELF_PARSING_COMMANDS.items():
        if tuple(args[: len(words)]) == words:
            from sfpay.self_parsing import load_run

            raise SystemExit(load_run(run_ref)(args[len(words) :]))
    import typer

    owners = COMMAND_OWNERS.get(args[0]) if args else None
    command = typer.main.get_command(build_app(owners) if owners else get_app())
    from sfpay.typer_app import plain_help

    plain_help(command)
    command(args=args, prog_name="sfpay")
