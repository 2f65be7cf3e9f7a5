"""Commands: `sfpay verify`, `sfpay webhook configure`, `sfpay demo`.

Cheap to import: everything heavy (stripe, simple-salesforce, jinja2, the stack) is imported
inside the command bodies.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from sfpay.console import fail

webhook_app = typer.Typer(help="Stripe webhook endpoint for the org's Stripe connector.", no_args_is_help=True)


user_error = fail  # the one user-error exit (sfpay/console.py)


@webhook_app.command("configure")
def webhook_configure(
    url: str = typer.Option(..., "--url", help="The org's Stripe listener (connector webhook) URL."),
    spec: Optional[Path] = typer.Option(
        None, "--spec", help="Spec file (events, API version). Default: the project's."
    ),
    api_base: Optional[str] = typer.Option(
        None, "--api-base", envvar="STRIPE_API_BASE", help="Stripe API base URL (stripesim)."
    ),
    recreate_on_version_mismatch: bool = typer.Option(
        False, "--recreate-on-version-mismatch", help="Replace an endpoint of another API version (new secret)."
    ),
    delete_duplicates: bool = typer.Option(
        False, "--delete-duplicates", help="Keep one endpoint for URL, delete the others."
    ),
    allow_live: bool = typer.Option(False, "--allow-live", help="Accept a live key (production's endpoint)."),
) -> None:
    """Ensure exactly one Stripe webhook endpoint for URL, with the spec's events and API version.

    The key comes from STRIPE_API_KEY. The signing secret is printed only when the endpoint is created.
    """
    from rich.console import Console

    from harness.commands import project_or_fail
    from harness.spec_view import SpecUnavailable, load
    from harness.webhook_config import WebhookConfigError, ensure_endpoint
    from sfpay.stripe_keys import UnsafeStripeKey, redact, require_test_key

    try:
        key = require_test_key(os.environ.get("STRIPE_API_KEY"), allow_live=allow_live)
    except UnsafeStripeKey as exc:
        user_error(str(exc))
    if not url.startswith(("https://", "http://")):
        user_error(f"--url must be an http(s) URL, got {url!r}")
    try:
        view = load(project_or_fail(spec).spec)
    except SpecUnavailable as exc:
        user_error(f"spec problems:\n{exc}")

    import stripe

    from sfpay.stripe_client import sync_stripe_client

    client = sync_stripe_client(key, base_addresses={"api": api_base} if api_base else None, max_network_retries=2)
    try:
        outcome = ensure_endpoint(
            client,
            url,
            list(view.webhook_events),
            view.stripe_api_version,
            recreate_on_version_mismatch=recreate_on_version_mismatch,
            delete_duplicates=delete_duplicates,
        )
    except WebhookConfigError as exc:
        user_error(str(exc))
    except stripe.StripeError as exc:
        user_error(f"Stripe refused the request: {exc.user_message or exc}")

    out = Console()
    err = Console(stderr=True)
    err.print(
        f"Stripe key {redact(key)}; endpoint [bold]{outcome.endpoint_id}[/bold] {outcome.action}", highlight=False
    )
    err.print(
        f"  url: {outcome.url}\n  api_version: {outcome.api_version}\n  events: {', '.join(outcome.enabled_events)}",
        highlight=False,
    )
    for change in outcome.changes:
        err.print(f"  changed: {change}", highlight=False)
    for deleted in outcome.deleted:
        err.print(f"  deleted duplicate or replaced endpoint {deleted}", highlight=False)
    if outcome.secret:
        err.print(
            "Signing secret (shown only now; store it in the Stripe connector's webhook settings):", highlight=False
        )
        out.print(outcome.secret, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    from harness.commands import demo_command, verify_command

    app.command("verify")(verify_command)
    app.add_typer(webhook_app, name="webhook")
    app.command("demo")(demo_command)
