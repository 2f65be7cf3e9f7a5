"""The local stack: stripesim and the org server as background processes, wired together.

up: pick ports (the previous ones when free, so hosted invoice URLs saved on records and in
emails keep working across restarts); start stripesim for the spec's Stripe account name;
register a webhook endpoint pointing at the org's listener (the spec's events, the
connector's pinned API version); write the org server's settings (Stripe base URL and key
for the connector actions, the webhook signing secret); start the org server; wait until
both answer; create the org's Stripe Account record; bring stripesim's clock up to the org's;
return the state. State lives in <state dir>/local (SFPAY_STATE_DIR overrides the state
dir): stack.json (pids, ports; mode 0600), ports.json, the org and Stripe databases, logs,
the TLS files. Secrets never go on a command line (visible to every user in /proc): the
stripesim key goes by environment, the org's by its 0600 settings file.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfpay.local import processes
from sfpay.stack_state import (
    OtherProject,
    StackError,
    StackState,
    check_project,
    load_state,
    local_dir,
    save_state,
    state_file,
)
from stripesim.command import API_KEY_ENV

if TYPE_CHECKING:
    import ssl

    import stripe

    from orgsim.server.settings import ServerSettings
    from stripesim.running import SimAdmin

__all__ = [
    "LocalConnection",
    "OtherProject",
    "SpecInfo",
    "StackError",
    "StackState",
    "check_project",
    "connection",
    "down",
    "health",
    "load_state",
    "local_dir",
    "spec_info",
    "up",
]

STRIPE_MARKER = "stripe-sim"
ORG_MARKER = "org serve"
# Stripe API version names: the connector's Stripe API Extension is 2025-04-30 (docs/stripesim.md).
STRIPE_VERSION_NAMES = {"2025-04-30": "2025-04-30.basil"}
ENDPOINT_DESCRIPTION = "sfpay local stack: orgsim webhook listener"
PORTS_FILE = "ports.json"
API_VERSION = "66.0"


@dataclass(frozen=True)
class SpecInfo:
    """What the stack takes from the spec (the spec owns these: no defaults of its own here)."""

    account_name: str
    events: tuple[str, ...]
    stripe_api_version: str
    spec_path: str = ""  # absolute; "" when started without a spec (the spec model's defaults)
    project_root: str = ""  # absolute; the project the stack serves
    connector_namespace: str = ""  # the spec's stripe.namespace ("" : the connector catalog's own)


@dataclass(frozen=True)
class LocalConnection:
    """How to reach the running stack: the one shape of `local up --json` and `local status
    --json` (docs/orgsim-server.md). Holds secrets: never log it (`secrets` lists them)."""

    instance_url: str
    username: str
    password: str
    security_token: str
    access_token: str | None
    ca_bundle: str  # one file: the public roots + the org's certificate, for any tool
    # What sfpay's own clients verify with: the same certificates as OpenSSL's hashed CA directory
    # (orgsim/server/tls.py), or the bundle file for a stack an older sfpay started.
    ca_certs: str
    client_id: str
    jwt_key_file: str | None
    webhook_url: str
    webhook_endpoint_id: str
    webhook_secret: str
    api_base: str
    api_key: str
    stripe_account_name: str
    state_dir: str
    spec: str | None
    project_root: str | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "LocalConnection":
        return cls(**{f.name: data.get(f.name) for f in fields(cls)})  # type: ignore[arg-type]  # JSON

    @property
    def secrets(self) -> list[str]:
        values = (self.password, self.security_token, self.access_token, self.api_key, self.webhook_secret)
        return [value for value in values if value]


def spec_info(spec_path: Path | None, project_root: Path | None = None) -> SpecInfo:
    """The stack's settings from the spec file, or from the spec model's defaults without one."""
    from generator.errors import SpecError
    from generator.spec.loader import load_spec
    from generator.spec.model import Spec

    try:
        spec = Spec.model_validate({}) if spec_path is None else load_spec(spec_path)
    except SpecError as exc:
        raise StackError(str(exc)) from None
    return SpecInfo(
        spec.stripe.account_name,
        tuple(spec.events),
        spec.stripe.api_version,
        spec_path=str(Path(spec_path).resolve()) if spec_path is not None else "",
        project_root=str(project_root.resolve()) if project_root is not None else "",
        connector_namespace=spec.stripe.namespace,
    )


def _stripe_version(version: str) -> str:
    if "." in version:
        return version
    if version not in STRIPE_VERSION_NAMES:
        raise StackError(f"Stripe API version {version}: give its full name (e.g. 2025-04-30.basil)")
    return STRIPE_VERSION_NAMES[version]


def _wait(check: Callable[[], bool], what: str, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.1)
    raise StackError(f"{what} did not become healthy within {timeout:.0f}s ({last}); see {log}")


def _port(previous: int | None) -> int:
    """The previous port when it is free again (URLs stay valid across restarts), else a free one."""
    import socket

    from sfpay.serving import free_port

    if previous:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # As uvicorn binds (SO_REUSEADDR): connections of the stopped server lingering in
            # TIME_WAIT do not make its port look taken; a listening process still does.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", previous))
                return previous
            except OSError:
                pass
    return free_port()


def _previous_ports(directory: Path) -> dict[str, int]:
    try:
        return {k: int(v) for k, v in json.loads((directory / PORTS_FILE).read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _settings(state: StackState) -> "ServerSettings":
    from orgsim.server.settings import SETTINGS_NAME, ServerSettings

    return ServerSettings.load_or_create(Path(state.state_dir) / SETTINGS_NAME)


def up(
    spec: SpecInfo, *, jwt_cert: Path | None = None, state_root: Path | None = None
) -> tuple[StackState, "ServerSettings"]:
    """Start the stack for `spec` (or reuse the running one); the settings file is read once
    and returned with the state, so callers need not read it again."""
    existing = load_state(state_root)
    if existing is not None:
        check_project(existing, spec.project_root)
    if existing is not None and health(existing)["healthy"]:
        if _same_spec(existing, spec):
            settings = _settings(existing)
            _align_clocks(existing, settings)
            return existing, settings
        # Same project, another spec (or a changed one): the webhook events, the Stripe
        # Account record and stripesim's account name follow the spec, so start again (the
        # databases are kept).
    if existing is not None:
        down(state_root)
    return _start(spec, jwt_cert, local_dir(state_root))


def _start(spec: SpecInfo, jwt_cert: Path | None, directory: Path) -> tuple[StackState, "ServerSettings"]:
    import httpx

    from orgsim.server.settings import SETTINGS_NAME, ServerSettings
    from orgsim.server.tls import ca_bundle, ca_certs_dir, ensure_certificate
    from sfpay.private_files import ensure_private_dir, write_private
    from sfpay.stripe_client import sync_stripe_client
    from sfpay.trust import verify_context
    from stripesim.running import SimAdmin

    ensure_private_dir(directory, tighten=True)  # keys, settings, databases
    cert, _ = ensure_certificate(directory)
    ca_bundle(directory, cert)
    certs = ca_certs_dir(directory)
    settings_file = directory / SETTINGS_NAME
    settings = ServerSettings.load_or_create(settings_file)
    stripe_key = settings.stripe_api_key or "sk_test_local_" + secrets.token_hex(16)

    previous = _previous_ports(directory)
    stripe_port = _port(previous.get("stripe"))
    org_port = _port(previous.get("org"))
    while org_port == stripe_port:
        org_port = _port(None)
    write_private(directory / PORTS_FILE, json.dumps({"stripe": stripe_port, "org": org_port}))
    stripe_log, org_log = directory / "stripesim.log", directory / "orgsim.log"
    stripe_pid = processes.start(
        [
            "sfpay",
            STRIPE_MARKER,
            "--port",
            str(stripe_port),
            "--db",
            str(directory / "stripe.sqlite3"),
            "--account-name",
            spec.account_name,
        ],
        stripe_log,
        # The key by environment (stripesim's API_KEY_ENV), never argv: only this user can read
        # /proc/<pid>/environ. stripesim's webhook deliveries (httpx) must trust the org
        # server's certificate: httpx reads SSL_CERT_FILE before SSL_CERT_DIR, so an inherited
        # file is cleared.
        env_extra={API_KEY_ENV: stripe_key, "SSL_CERT_FILE": "", "SSL_CERT_DIR": str(certs)},
    )
    api_base = f"http://127.0.0.1:{stripe_port}"
    # The org starts beside stripesim rather than after it (each takes most of a second to
    # answer): everything it reads at start is known now except a new webhook endpoint's signing
    # secret, which Stripe gives only when the endpoint is created. The org takes that one while
    # running (POST /_orgsim/webhook-secret, saved to its settings), and no delivery can reach
    # it before then: stripesim has no event for the endpoint yet, and a replaced endpoint is
    # only replaced without pending deliveries (_webhook_endpoint).
    started_secret = settings.webhook_secret
    settings.stripe_api_base, settings.stripe_api_key = api_base, stripe_key
    if jwt_cert is not None:
        settings.jwt_public_key_file = str(jwt_cert.resolve())
    settings.connector_namespace = spec.connector_namespace or None
    settings.save(settings_file)
    org_pid = processes.start(
        ["sfpay", "org", "serve", "--port", str(org_port), "--db", str(directory / "org.sqlite3")], org_log
    )
    # Saved before anything can fail, so that `down` stops both processes on any failure below.
    state = StackState(
        stripe_pid,
        stripe_port,
        org_pid,
        org_port,
        stripe_key,
        "",  # the webhook endpoint's id, once stripesim answers
        spec.account_name,
        str(directory),
        spec.spec_path,
        spec.project_root,
        tuple(spec.events),
        spec.stripe_api_version,
    )
    save_state(state)
    try:
        _wait(
            lambda: (
                httpx.get(f"{api_base}/_sim/health", verify=verify_context(str(certs)), timeout=2).status_code == 200
            ),
            "stripesim",
            stripe_log,
        )
        client = sync_stripe_client(stripe_key, base_addresses={"api": api_base}, max_network_retries=2)
        state.webhook_endpoint_id, settings.webhook_secret = _webhook_endpoint(
            client,
            SimAdmin(api_base, stripe_key),
            url=f"https://127.0.0.1:{org_port}{settings.webhook_path}",
            events=list(spec.events),
            api_version=_stripe_version(spec.stripe_api_version),
            secret=started_secret,
        )
        save_state(state)
        _wait(
            lambda: (
                httpx.get(
                    f"{state.instance_url}/_orgsim/health", verify=verify_context(str(certs)), timeout=2
                ).status_code
                == 200
            ),
            "the org server",
            org_log,
        )
        token = access_token(state, settings)
        if settings.webhook_secret != started_secret:
            _hand_over_webhook_secret(state, token, settings.webhook_secret)
        _ensure_stripe_account(state, token, settings.connector_namespace)
        _align_clocks(state, settings, token)
    except BaseException:
        down(directory.parent)
        raise
    return state, settings


def _hand_over_webhook_secret(state: StackState, token: str, secret: str | None) -> None:
    """Give the running org its webhook endpoint's signing secret (it saves it in its settings)."""
    import httpx

    response = httpx.post(
        f"{state.instance_url}/_orgsim/webhook-secret",
        json={"secret": secret},
        headers={"Authorization": f"Bearer {token}"},
        verify=_org_trust(state),
        timeout=10,
    )
    if response.status_code != 200:
        raise StackError(f"the org refused its webhook signing secret: {response.text[:300]}")


def _webhook_endpoint(
    client: "stripe.StripeClient",
    admin: "SimAdmin",
    *,
    url: str,
    events: list[str],
    api_version: str,
    secret: str | None,
) -> tuple[str, str]:
    """The stack's webhook endpoint on stripesim: (id, signing secret).

    Kept across restarts, because Stripe stops retrying the pending deliveries of a deleted or
    disabled endpoint (https://docs.stripe.com/webhooks#retries) and they hold payments the org
    has not seen yet (after a kill -9 of the org, say). When the org's port changed, the URL and
    events are updated in place (POST /v1/webhook_endpoints/{id} takes `url` and
    `enabled_events`; https://docs.stripe.com/api/webhook_endpoints/update). It is replaced
    only when it cannot serve: its secret is lost (Stripe shows it once, at creation) or the
    spec's API version changed (not updatable); then its pending deliveries must be none,
    else the restart is refused rather than dropping them."""
    ours = [
        e for e in client.webhook_endpoints.list(params={"limit": 100}).data if e.description == ENDPOINT_DESCRIPTION
    ]
    keep = next((e for e in ours if secret and e.api_version == api_version), None)
    try:
        pending = {d["endpoint"] for d in admin.deliveries("pending")}
    finally:
        admin.close()
    for old in ours:
        if old is keep:
            continue
        if old.id in pending:
            raise StackError(
                f"the webhook endpoint {old.id} (Stripe API version {old.api_version}) still has pending deliveries "
                f"and cannot be kept ({'its signing secret is lost' if not secret else 'the spec now asks for ' + api_version}); "
                "start the stack with the previous spec until they are delivered (`sfpay local status`), then change it"
            )
        client.webhook_endpoints.delete(old.id)
    if keep is not None:
        assert secret is not None
        if keep.url != url or list(keep.enabled_events) != events:
            update: dict[str, Any] = {"url": url, "enabled_events": events}
            client.webhook_endpoints.update(keep.id, params=update)  # type: ignore[arg-type]  # the spec's events
        return keep.id, secret
    params: dict[str, Any] = {
        "url": url,
        "enabled_events": events,
        "api_version": api_version,
        "description": ENDPOINT_DESCRIPTION,
    }
    created = client.webhook_endpoints.create(params=params)  # type: ignore[arg-type]  # the spec's events
    return created.id, str(created.secret)


def _same_spec(state: StackState, spec: SpecInfo) -> bool:
    return (
        state.account_name == spec.account_name
        and state.spec_path == spec.spec_path
        and tuple(state.webhook_events) == tuple(spec.events)
        and state.stripe_api_version == spec.stripe_api_version
    )


def access_token(state: StackState, settings: "ServerSettings | None" = None) -> str:
    """A fresh session through the org's own OAuth endpoint (password grant)."""
    import httpx

    settings = settings or _settings(state)
    response = httpx.post(
        f"{state.instance_url}/services/oauth2/token",
        verify=_org_trust(state),
        timeout=10,
        data={"grant_type": "password", "username": settings.username, "password": settings.password},
    )
    if response.status_code != 200:
        raise StackError(f"the org refused the stack's own login: {response.text}")
    return str(response.json()["access_token"])


def _bundle(state: StackState) -> str:
    return str(Path(state.state_dir) / "ca-bundle.pem")


def trust_path(state: StackState) -> str:
    """The stack's hashed CA directory; the bundle file for a stack an older sfpay started (it
    wrote no directory) until it is restarted."""
    from orgsim.server.tls import ca_certs_dir

    certs = ca_certs_dir(Path(state.state_dir))
    return str(certs) if certs.is_dir() else _bundle(state)


def _org_trust(state: StackState) -> ssl.SSLContext:
    from sfpay.trust import verify_context

    return verify_context(trust_path(state))


def _ensure_stripe_account(state: StackState, token: str, connector_namespace: str | None) -> None:
    """The Stripe Account record (`<namespace>__Stripe_Account__c`) every generated flow looks up by Name."""
    import httpx

    from orgsim.connector.catalog import catalog

    stripe_account = catalog(connector_namespace).package.stripe_account

    headers = {"Authorization": f"Bearer {token}"}
    base = f"{state.instance_url}/services/data/v{API_VERSION}"
    name = state.account_name.replace("\\", "\\\\").replace("'", "\\'")
    found = httpx.get(
        f"{base}/query",
        params={"q": f"SELECT Id FROM {stripe_account} WHERE Name = '{name}'"},
        headers=headers,
        verify=_org_trust(state),
        timeout=10,
    )
    if found.status_code != 200:
        raise StackError(f"cannot look up the Stripe Account record: {found.text}")
    if found.json()["totalSize"]:
        return
    created = httpx.post(
        f"{base}/sobjects/{stripe_account}",
        json={"Name": state.account_name},
        headers=headers,
        verify=_org_trust(state),
        timeout=10,
    )
    if created.status_code != 201:
        raise StackError(f"cannot create the Stripe Account record: {created.text}")


def _align_clocks(state: StackState, settings: "ServerSettings", token: str | None = None) -> float:
    """Stripe time follows org time: both clocks only move forward, and scenarios move the
    org's (reminders months ahead), so stripesim's account clock is advanced to the org's.
    Otherwise a new invoice would be dated months before the Opportunity that asked for it
    and fall due before its own date. Returns the seconds stripesim moved."""
    import httpx

    from stripesim.running import SimAdmin

    token = token or access_token(state, settings)
    org = httpx.get(
        f"{state.instance_url}/_orgsim/clock",
        headers={"Authorization": f"Bearer {token}"},
        verify=_org_trust(state),
        timeout=10,
    )
    if org.status_code != 200:
        raise StackError(f"cannot read the org's clock: {org.text}")
    org_now = dt.datetime.fromisoformat(org.json()["now"].replace("Z", "+00:00")).timestamp()
    admin = SimAdmin(state.api_base, state.stripe_api_key)
    try:
        behind = org_now - float(admin.clock()["now"])
        if behind >= 1:
            admin.advance_clock(int(behind))
            return float(int(behind))
    finally:
        admin.close()
    return 0.0


def health(state: StackState) -> dict[str, Any]:
    import httpx

    stripe_up = processes.alive(state.stripe_pid, STRIPE_MARKER)
    org_up = processes.alive(state.org_pid, ORG_MARKER)
    stripe_ok = org_ok = False
    if stripe_up:
        try:
            stripe_ok = (
                httpx.get(f"{state.api_base}/_sim/health", verify=_org_trust(state), timeout=2).status_code == 200
            )
        except httpx.HTTPError:
            pass
    if org_up:
        try:
            org_ok = (
                httpx.get(f"{state.instance_url}/_orgsim/health", verify=_org_trust(state), timeout=2).status_code
                == 200
            )
        except httpx.HTTPError:
            pass
    return {
        "stripesim": {"pid": state.stripe_pid, "running": stripe_up, "healthy": stripe_ok, "api_base": state.api_base},
        "org": {"pid": state.org_pid, "running": org_up, "healthy": org_ok, "instance_url": state.instance_url},
        "healthy": stripe_ok and org_ok,
    }


def connection(
    state: StackState, settings: "ServerSettings | None" = None, *, with_token: bool = True
) -> LocalConnection:
    """The connection details (the user asked for the credentials by asking for JSON)."""
    settings = settings or _settings(state)
    return LocalConnection(
        instance_url=state.instance_url,
        username=settings.username,
        password=settings.password,
        security_token=settings.security_token,
        access_token=access_token(state, settings) if with_token else None,
        ca_bundle=_bundle(state),
        ca_certs=trust_path(state),
        client_id=settings.client_id,
        jwt_key_file=_jwt_key_file(settings),
        webhook_url=f"{state.instance_url}{settings.webhook_path}",
        webhook_endpoint_id=state.webhook_endpoint_id,
        webhook_secret=settings.webhook_secret or "",
        api_base=state.api_base,
        api_key=state.stripe_api_key,
        stripe_account_name=state.account_name,
        state_dir=state.state_dir,
        spec=state.spec_path or None,
        project_root=state.project_root or None,
    )


def _jwt_key_file(settings: "ServerSettings") -> str | None:
    """The private key of the org's JWT certificate when it sits next to it (`sfpay local up`
    keeps its connected-app pair together), checked to match; else None."""
    if not settings.jwt_public_key_file:
        return None
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert_path = Path(settings.jwt_public_key_file)
    try:
        cert_key = x509.load_pem_x509_certificate(cert_path.read_bytes()).public_key()
    except (OSError, ValueError):
        return None
    for candidate in sorted(cert_path.parent.glob("*.key")) + sorted(cert_path.parent.glob("*key*.pem")):
        try:
            # Only the public half is read here (to match the certificate); nothing is signed
            # with this object, so OpenSSL's check of the private primes (about 60 ms for a
            # 2,048-bit key, on every `sfpay local status --json`) is skipped. The key signs
            # only in CumulusCI's JWT login, which loads it checked.
            # https://cryptography.io/en/latest/hazmat/primitives/asymmetric/serialization/#cryptography.hazmat.primitives.serialization.load_pem_private_key
            key = serialization.load_pem_private_key(
                candidate.read_bytes(), password=None, unsafe_skip_rsa_key_validation=True
            )
        except (OSError, ValueError, TypeError):
            continue
        if key.public_key().public_numbers() == cert_key.public_numbers():  # type: ignore[union-attr]
            return str(candidate)
    return None


def down(state_root: Path | None = None) -> dict[str, list[str]]:
    state = load_state(state_root)
    if state is None:
        return {"stopped": []}
    stopped = []
    if processes.stop(state.org_pid, ORG_MARKER):
        stopped.append("org")
    if processes.stop(state.stripe_pid, STRIPE_MARKER):
        stopped.append("stripesim")
    state_file(state_root).unlink(missing_ok=True)
    return {"stopped": stopped}
