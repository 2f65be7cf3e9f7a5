"""`sfpay org serve`: the org server in the foreground. Cheap to import (typer only).

The command is added by the code that assembles the server (sfpay/local/cli.py), which
passes the deploy checks the server runs (orgsim/server/deploy/checks.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from sfpay.console import fail

if TYPE_CHECKING:
    from orgsim.server.deploy.checks import DeployCheck
    from orgsim.server.settings import ServerSettings


def add_serve_command(
    org_app: typer.Typer, *, deploy_checks: Callable[["ServerSettings"], Sequence["DeployCheck"]] | None = None
) -> None:
    """Add `serve` to `org_app`; `deploy_checks` (called with the server's settings once it
    starts, so the checks' imports cost nothing to other commands, and the checks see e.g. the
    connector namespace) gives what every deploy must pass."""

    @org_app.command("serve")
    def serve(
        port: int = typer.Option(0, "--port", help="Port to listen on (0: a free one, printed on start)."),
        db: Optional[Path] = typer.Option(
            None, "--db", help="SQLite database (WAL). Default: <state dir>/orgsim/org.sqlite3."
        ),
        jwt_cert: Optional[Path] = typer.Option(
            None, "--jwt-cert", help="Connected app certificate (PEM) for the JWT bearer grant."
        ),
        jwt_audience: list[str] = typer.Option(
            [], "--jwt-audience", help="Accepted JWT `aud` (repeatable). Default: the instance URL."
        ),
        webhook_path: Optional[str] = typer.Option(None, "--webhook-path", help="Path of the Stripe webhook listener."),
        stripe_api_base: Optional[str] = typer.Option(
            None, "--stripe-api-base", help="Stripe API base the connector calls (stripesim URL)."
        ),
    ) -> None:
        """Run a Salesforce-compatible org (REST, OAuth, Metadata deploy, Tooling, webhook listener) over HTTPS.

        Secrets (admin password, security token, client secret, webhook secret) live in
        orgsim-server.json next to the database (mode 0600); the Stripe key comes from the
        STRIPE_API_KEY environment variable or that file. Clients trust the server through
        REQUESTS_CA_BUNDLE=<db folder>/ca-bundle.pem.
        """
        import os
        import sys

        from orgsim.errors import OrgError
        from orgsim.server.serve import build, settings_path
        from orgsim.server.settings import ServerSettings
        from sfpay.paths import state_dir
        from sfpay.serving import free_port, http_implementation
        from sfpay.stripe_keys import UnsafeStripeKey, require_test_key

        if jwt_cert is not None and not jwt_cert.is_file():
            fail(f"--jwt-cert {jwt_cert}: no such file")
        env_key = os.environ.get("STRIPE_API_KEY")
        if env_key:
            try:
                require_test_key(env_key)  # checked before anything is written
            except UnsafeStripeKey as exc:
                fail(str(exc))
        db_path = (db or state_dir() / "orgsim" / "org.sqlite3").resolve()
        settings = ServerSettings.load_or_create(settings_path(db_path))
        changed = False
        for key, value in (
            ("jwt_public_key_file", str(jwt_cert.resolve()) if jwt_cert else None),
            ("webhook_path", webhook_path),
            ("stripe_api_base", stripe_api_base),
            ("stripe_api_key", env_key),
        ):
            if value is not None and getattr(settings, key) != value:
                setattr(settings, key, value)
                changed = True
        if jwt_audience:
            settings.jwt_audiences = list(jwt_audience)
            changed = True
        if changed:
            settings.save(settings_path(db_path))
        port = port or free_port()
        try:
            http_implementation()  # an unknown or missing one is named before anything starts
        except ValueError as exc:
            fail(f"cannot start the org server: {exc}")
        try:
            app, org, config, cert, key = build(db_path, port, tuple(deploy_checks(settings)) if deploy_checks else ())
        except (OrgError, UnsafeStripeKey, ValueError, OSError) as exc:
            fail(f"cannot start the org server: {exc}")
        import uvicorn

        from orgsim.server.running import uvicorn_config
        from orgsim.server.tls import ca_bundle

        bundle = ca_bundle(db_path.parent, cert)
        print(
            f"orgsim listening on {config.instance_url} (user {config.username}; db {db_path}; "
            f"REQUESTS_CA_BUNDLE={bundle})",
            file=sys.stderr,
            flush=True,
        )
        uvicorn.Server(uvicorn_config(app, port, cert, key)).run()
