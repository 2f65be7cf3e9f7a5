"""`sfpay stripe-sim`: run the Stripe emulator. The behaviour and its argument parsing are in
stripesim.command, which `sfpay` calls before building its typer app; this registration
lists the command in `sfpay --help` and serves other typer apps (`python -m stripesim`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer


def register(app: typer.Typer) -> None:
    from sfpay.self_parsing import register_self_parsing
    from stripesim.command import HELP

    register_self_parsing(app, "stripe-sim", HELP, "stripesim.command:run")
