"""Connections: the org from CumulusCI's org config (the same `--org NAME` as `sfpay deploy`),
Stripe from STRIPE_API_KEY (test keys only unless --allow-live).

The org is looked up in-process with CumulusCI's keychain (`CliRuntime(...).keychain.get_org`
and `refresh_oauth_token`, as the sandbox target of `sfpay verify` does): a real org connected
with `cci org connect` or JWT in CI, or the local stack's `local` org, which `sfpay local up`
defines through environment variables kept in the project's state folder
(pipeline/local_org.py). Those variables are set only for the lookup and restored afterwards.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from operate.reconcile.facts import ReconcileError
from sfpay.environment import temporary_environment

API_VERSION = "66.0"


@dataclass
class OrgSession:
    instance_url: str
    access_token: str
    ca_bundle: str | None = None


@contextlib.contextmanager
def cci_org(org: str, project_root: Path, state_dir: Path) -> Iterator[tuple[Any, Any, str | None]]:
    """(project config, org config with a fresh token, CA bundle or None) of CumulusCI org
    `org`, with its environment (the local org's definition, JWT settings, CA bundle) kept in
    place until the block ends, so CumulusCI tasks can run on it (`sfpay drift`'s retrieve)."""
    from pipeline.local_org import cci_environment, load_link

    link = load_link(state_dir, org)
    env = {k: v for k, v in cci_environment(project_root, base={}).items() if k != "PYTHONPATH"}
    if link is not None:
        env.update(link.environment())
    with temporary_environment(env), contextlib.chdir(project_root):
        try:
            from cumulusci.cli.runtime import CliRuntime

            runtime = CliRuntime(load_keychain=True)
            org_config = runtime.keychain.get_org(org)
            org_config.refresh_oauth_token(runtime.keychain)
        except Exception as exc:  # noqa: BLE001 - CumulusCI raises many types for "no such org"/"no project"/login
            raise ReconcileError(f"cannot use CumulusCI org {org!r}: {type(exc).__name__}: {exc}") from None
        yield runtime.project_config, org_config, link.ca_bundle_path if link else None


def org_session(org: str, project_root: Path, state_dir: Path) -> OrgSession:
    with cci_org(org, project_root, state_dir) as (_, org_config, ca_bundle):
        return OrgSession(org_config.instance_url, org_config.access_token, ca_bundle)


def salesforce(session: OrgSession) -> Any:
    from simple_salesforce import Salesforce

    sf = Salesforce(instance_url=session.instance_url, session_id=session.access_token, version=API_VERSION)
    if session.ca_bundle:
        # The local org's own certificate; requests lets REQUESTS_CA_BUNDLE override `verify`
        # unless the session ignores the environment (it only talks to the org).
        sf.session.verify = session.ca_bundle
        sf.session.trust_env = False
    return sf


def local_stripe(project_root: Path) -> tuple[str, str] | None:
    """stripesim's URL and key from `sfpay local status --json` (the local stack's published
    contract), for `--org local` without STRIPE_API_KEY."""
    result = subprocess.run(
        [sys.executable, "-m", "sfpay", "local", "status", "--json"],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    try:
        data = json.loads(result.stdout)
    except ValueError:
        return None
    stripe_part = data.get("stripe") if isinstance(data.get("stripe"), dict) else data
    base, key = stripe_part.get("api_base"), stripe_part.get("api_key")
    return (base, key) if base and key else None


def stripe_client(key: str, api_base: str | None, allow_live: bool) -> Any:
    from sfpay.stripe_client import sync_stripe_client
    from sfpay.stripe_keys import UnsafeStripeKey, require_test_key

    try:
        require_test_key(key, allow_live=allow_live)
    except UnsafeStripeKey as exc:
        raise ReconcileError(
            str(exc).replace(
                "sfpay creates customers and invoices and refuses live keys",
                "reconcile refuses live keys unless --allow-live",
            )
        ) from None
    # Connection errors and 5xx are retried by the SDK; 429s by sources.with_backoff.
    return sync_stripe_client(key, base_addresses={"api": api_base} if api_base else None, max_network_retries=3)
