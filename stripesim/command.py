"""`sfpay stripe-sim` behaviour: argument parsing and running the emulator's server.

No typer here (see stripesim/cli.py): `sfpay local up` and the tests start this server over
and over, and typer's start-up (a pydantic adapter per declared parameter) was a sixth of
the process's start. `run(argv)` is called by `sfpay` before it builds its typer app.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

HELP = "Run the local Stripe API emulator (customers, invoices, events, webhooks, test clocks)."
API_KEY_ENV = "STRIPESIM_API_KEY"


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(prog="sfpay stripe-sim", description=HELP)
    parser.add_argument("--port", type=int, default=12111, help="port to listen on (default: 12111)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback)")
    parser.add_argument("--db", default=None, help="SQLite file; state survives a restart (default: memory)")
    parser.add_argument(
        "--api-key",
        action="append",
        default=None,
        help=f"accepted sk_test_ key (repeatable; or {API_KEY_ENV}, space-separated, which keeps it off the "
        "process list). Default: the documented emulator key.",
    )
    parser.add_argument("--api-version", default=None, help="API version events carry")
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=None,
        help="requests per second per key before 429 (Stripe test mode: 25). Off by default.",
    )
    parser.add_argument(
        "--account-name", default="stripesim", help="business name on invoices, the hosted page and emails"
    )
    return parser


def run(argv: list[str]) -> int:
    """Serve until stopped; 0 on a clean stop, 1 for a bad setting, 2 for a usage error."""
    from sfpay.console import print_error
    from sfpay.stripe_keys import UnsafeStripeKey, redact
    from stripesim.config import DEFAULT_API_VERSION, SimConfig

    try:
        options = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed by argparse
        return int(exc.code or 0)
    keys = options.api_key if options.api_key is not None else os.environ.get(API_KEY_ENV, "").split()
    try:
        config = SimConfig(
            api_keys=tuple(keys),
            db_path=options.db,
            api_version=options.api_version or DEFAULT_API_VERSION,
            rate_limit=options.rate_limit,
            account_name=options.account_name,
        )
    except (UnsafeStripeKey, ValueError) as exc:
        print_error(str(exc))
        return 1
    import uvicorn

    from sfpay.serving import server_options
    from stripesim.http.app import create_app

    try:
        stripe_app = create_app(config)
    except Exception as exc:  # noqa: BLE001 - e.g. an unreadable --db file
        print_error(f"cannot start the emulator: {exc}")
        return 1
    base_url = f"http://{options.host}:{options.port}"
    stripe_app.state.sim.public_url = base_url
    shown = ", ".join(redact(k) for k in config.api_keys)
    print(f"stripesim listening on {base_url} (keys: {shown}; storage: {options.db or 'memory'})", file=sys.stderr)
    try:
        settings = server_options()
    except ValueError as exc:
        print_error(f"cannot start the emulator: {exc}")
        return 1
    uvicorn.Server(uvicorn.Config(stripe_app, host=options.host, port=options.port, **settings)).run()
    return 0
