"""`sfpay stripe-sim`: run the Stripe emulator (heavy imports stay inside the command)."""

from __future__ import annotations

from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("stripe-sim")
    def stripe_sim(
        port: int = typer.Option(12111, "--port", help="Port to listen on."),
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (loopback by default)."),
        db: Optional[str] = typer.Option(None, "--db", help="SQLite file; state survives a restart."),
        api_key: list[str] = typer.Option(
            [],
            "--api-key",
            envvar="STRIPESIM_API_KEY",
            show_envvar=False,
            help="Accepted sk_test_ key (repeatable; or STRIPESIM_API_KEY, space-separated, which keeps it "
            "off the process list). Default: the documented emulator key.",
        ),
        api_version: Optional[str] = typer.Option(None, "--api-version", help="API version events carry."),
        rate_limit: Optional[float] = typer.Option(
            None, "--rate-limit", help="Requests per second per key before 429 (Stripe test mode: 25). Off by default."
        ),
        account_name: str = typer.Option(
            "stripesim", "--account-name", help="Business name on invoices, the hosted page and emails."
        ),
    ) -> None:
        """Run the local Stripe API emulator (customers, invoices, events, webhooks, test clocks)."""
        import sys

        from sfpay.console import fail
        from sfpay.stripe_keys import UnsafeStripeKey, redact
        from stripesim.config import DEFAULT_API_VERSION, SimConfig

        try:
            config = SimConfig(
                api_keys=tuple(api_key),
                db_path=db,
                api_version=api_version or DEFAULT_API_VERSION,
                rate_limit=rate_limit,
                account_name=account_name,
            )
        except (UnsafeStripeKey, ValueError) as exc:
            fail(str(exc))
        import uvicorn

        from stripesim.http.app import create_app

        try:
            stripe_app = create_app(config)
        except Exception as exc:  # e.g. an unreadable --db file
            fail(f"cannot start the emulator: {exc}")
        base_url = f"http://{host}:{port}"
        stripe_app.state.sim.public_url = base_url
        keys = ", ".join(redact(k) for k in config.api_keys)
        print(f"stripesim listening on {base_url} (keys: {keys}; storage: {db or 'memory'})", file=sys.stderr)
        from sfpay.serving import server_options

        try:
            options = server_options()
        except ValueError as exc:
            fail(f"cannot start the emulator: {exc}")
        uvicorn.Server(uvicorn.Config(stripe_app, host=host, port=port, **options)).run()
