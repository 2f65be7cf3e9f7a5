"""Build and run the org server from a database path and its settings file (`sfpay org serve`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from orgsim.server.config import ServerConfig
from orgsim.server.deploy.checks import DeployCheck
from orgsim.server.settings import SETTINGS_NAME, ServerSettings


def open_org(db: Path, settings: ServerSettings):
    """The org with a wall-time clock resumed where it was (never moving backwards) and the
    Stripe connection the connector actions use."""
    from orgsim import Clock, Org, StripeConfig
    from orgsim.storage import Store

    stripe = None
    if settings.stripe_api_base or settings.stripe_api_key:
        from sfpay.stripe_keys import require_test_key

        stripe = StripeConfig(
            api_base=settings.stripe_api_base,
            api_key=require_test_key(settings.stripe_api_key, source="stripe_api_key"),
            connector_namespace=settings.connector_namespace,
        )
    elif settings.connector_namespace:
        # No Stripe connection yet, but the package's objects are named in the namespace.
        stripe = StripeConfig(connector_namespace=settings.connector_namespace)
    from orgsim.org import CLOCK_NOW, CLOCK_OFFSET

    probe = Store(db)
    clock = Clock.resume(probe.meta_get(CLOCK_NOW), probe.meta_get(CLOCK_OFFSET), frozen=False)
    probe.conn.close()
    return Org.open(db, clock=clock, stripe=stripe, run_async="inline")


def server_config(settings: ServerSettings, port: int, settings_file: Path | None = None) -> ServerConfig:
    jwt_pem = Path(settings.jwt_public_key_file).read_bytes() if settings.jwt_public_key_file else None
    return ServerConfig(
        instance_url=f"https://127.0.0.1:{port}",
        username=settings.username,
        password=settings.password,
        security_token=settings.security_token,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        jwt_public_key_pem=jwt_pem,
        jwt_audiences=tuple(settings.jwt_audiences),
        session_secret=bytes.fromhex(settings.session_secret),
        webhook_path=settings.webhook_path,
        webhook_secret=settings.webhook_secret,
        settings_file=str(settings_file) if settings_file else None,
    )


def settings_path(db: Path) -> Path:
    return db.parent / SETTINGS_NAME


def build(db: Path, port: int, deploy_checks: Sequence[DeployCheck] = ()):
    """(app, org, config, cert_path, key_path) for a server on `port` over the database `db`;
    `deploy_checks` come from the code that assembles the server (orgsim/server/deploy/checks.py)."""
    from orgsim.server.app import create_app
    from orgsim.server.tls import ensure_certificate

    settings = ServerSettings.load_or_create(settings_path(db))
    org = open_org(db, settings)
    config = server_config(settings, port, settings_path(db))
    cert, key = ensure_certificate(db.parent)
    return (
        create_app(org, config, background_interval=1.0, owns_org=True, deploy_checks=deploy_checks),
        org,
        config,
        cert,
        key,
    )
