"""`sfpay org serve`: the org server in the foreground. Cheap to import (argparse only).

The command is run by the code that assembles the server (sfpay/local/org_serve.py), which
passes the deploy checks the server runs (orgsim/server/deploy/checks.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from orgsim.server.deploy.checks import DeployCheck
    from orgsim.server.settings import ServerSettings


HELP = (
    "Run a Salesforce-compatible org (REST, OAuth, Metadata deploy, Tooling, webhook listener) over HTTPS. "
    "Secrets (admin password, security token, client secret, webhook secret) live in orgsim-server.json "
    "next to the database (mode 0600); the Stripe key comes from the STRIPE_API_KEY environment variable "
    "or that file. Clients trust the server through REQUESTS_CA_BUNDLE=<db folder>/ca-bundle.pem."
)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(prog="sfpay org serve", description=HELP)
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one, printed on start)")
    parser.add_argument(
        "--db", type=Path, default=None, help="SQLite database (WAL). Default: <state dir>/orgsim/org.sqlite3."
    )
    parser.add_argument(
        "--jwt-cert", type=Path, default=None, help="connected app certificate (PEM) for the JWT bearer grant"
    )
    parser.add_argument(
        "--jwt-audience",
        action="append",
        default=[],
        help="accepted JWT `aud` (repeatable). Default: the instance URL.",
    )
    parser.add_argument("--webhook-path", default=None, help="path of the Stripe webhook listener")
    parser.add_argument("--stripe-api-base", default=None, help="Stripe API base the connector calls (stripesim URL)")
    return parser


def serve(argv: list[str], deploy_checks: Callable[[ServerSettings], Sequence[DeployCheck]] | None = None) -> int:
    """`sfpay org serve ARGV`: serve until stopped; 0 on a clean stop, 1 for a bad setting, 2
    for a usage error. `deploy_checks` (called with the server's settings once it starts, so
    the checks' imports cost nothing to other commands, and the checks see e.g. the connector
    namespace) gives what every deploy must pass. No typer: `sfpay local up` and the tests
    start this server over and over (sfpay/cli.py runs it before building its typer app)."""
    import os
    import sys

    from orgsim.errors import OrgError
    from orgsim.server.serve import build, settings_path
    from orgsim.server.settings import ServerSettings
    from sfpay.console import print_error
    from sfpay.paths import state_dir
    from sfpay.serving import free_port, http_implementation
    from sfpay.stripe_keys import UnsafeStripeKey, require_test_key

    try:
        options = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed by argparse
        return int(exc.code or 0)
    jwt_cert: Path | None = options.jwt_cert
    if jwt_cert is not None and not jwt_cert.is_file():
        print_error(f"--jwt-cert {jwt_cert}: no such file")
        return 1
    env_key = os.environ.get("STRIPE_API_KEY")
    if env_key:
        try:
            require_test_key(env_key)  # checked before anything is written
        except UnsafeStripeKey as exc:
            print_error(str(exc))
            return 1
    db_path = (options.db or state_dir() / "orgsim" / "org.sqlite3").resolve()
    settings = ServerSettings.load_or_create(settings_path(db_path))
    changed = False
    for key, value in (
        ("jwt_public_key_file", str(jwt_cert.resolve()) if jwt_cert else None),
        ("webhook_path", options.webhook_path),
        ("stripe_api_base", options.stripe_api_base),
        ("stripe_api_key", env_key),
    ):
        if value is not None and getattr(settings, key) != value:
            setattr(settings, key, value)
            changed = True
    if options.jwt_audience:
        settings.jwt_audiences = list(options.jwt_audience)
        changed = True
    if changed:
        settings.save(settings_path(db_path))
    port = options.port or free_port()
    try:
        http_implementation()  # an unknown or missing one is named before anything starts
    except ValueError as exc:
        print_error(f"cannot start the org server: {exc}")
        return 1
    try:
        app, org, config, cert, key = build(db_path, port, tuple(deploy_checks(settings)) if deploy_checks else ())
    except (OrgError, UnsafeStripeKey, ValueError, OSError) as exc:
        print_error(f"cannot start the org server: {exc}")
        return 1
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
    return 0
