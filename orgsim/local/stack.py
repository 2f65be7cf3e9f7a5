"""`sfpay local up|status|down`: stripesim and the org server, wired together.

up: pick free ports; start stripesim; register a webhook endpoint pointing at the org's
listener (the spec's events, the connector's pinned API version); write the org server's
settings (Stripe base URL and key for the connector actions, the webhook signing secret);
start the org server; wait until both answer; create the org's Stripe Account record; print
the connection details. State lives in <state dir>/local (SFPAY_STATE_DIR overrides the state
dir): stack.json (pids, ports; mode 0600), the org and Stripe databases, logs, the TLS files.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from orgsim.local import processes

STRIPE_MARKER = "stripe-sim"
ORG_MARKER = "org serve"
# Stripe API version names: the connector's Stripe API Extension is 2025-04-30 (BRIEF 4).
STRIPE_VERSION_NAMES = {"2025-04-30": "2025-04-30.basil"}
DEFAULT_ACCOUNT_NAME = "CT Nonprofit Alliance"
ENDPOINT_DESCRIPTION = "sfpay local stack: orgsim webhook listener"
DEFAULT_EVENTS = ("invoice.paid", "invoice.payment_succeeded", "invoice.payment_failed", "invoice.voided",
                  "invoice.marked_uncollectible")


class StackError(Exception):
    """A user-facing failure of the local stack (message says what and where to look)."""


@dataclass
class StackState:
    stripe_pid: int
    stripe_port: int
    org_pid: int
    org_port: int
    stripe_api_key: str
    webhook_endpoint_id: str
    account_name: str
    state_dir: str
    # What the stack was started for (empty in a stack.json of an older sfpay).
    spec_path: str = ""
    project_root: str = ""
    webhook_events: tuple[str, ...] = ()
    stripe_api_version: str = ""

    def __post_init__(self) -> None:
        self.webhook_events = tuple(self.webhook_events)  # a list once read back from JSON

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.stripe_port}"

    @property
    def instance_url(self) -> str:
        return f"https://127.0.0.1:{self.org_port}"


@dataclass
class SpecInfo:
    account_name: str = DEFAULT_ACCOUNT_NAME
    events: tuple[str, ...] = DEFAULT_EVENTS
    stripe_api_version: str = "2025-04-30"
    spec_path: str = ""      # absolute; "" when started without a spec
    project_root: str = ""   # absolute; the project the stack serves


class OtherProject(StackError):
    """The stack in this state folder was started for another project."""


def local_dir() -> Path:
    from sfpay.paths import state_dir

    return state_dir().resolve() / "local"


def _state_file() -> Path:
    return local_dir() / "stack.json"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def load_state() -> StackState | None:
    return load_state_from(None)


def load_state_from(state_dir: Path | None) -> StackState | None:
    """The stack recorded in `state_dir` (a project's .sfpay; default: this command's)."""
    path = _state_file() if state_dir is None else Path(state_dir).resolve() / "local" / "stack.json"
    if not path.exists():
        return None
    return StackState(**json.loads(path.read_text(encoding="utf-8")))


def spec_info(spec_path: Path | None) -> SpecInfo:
    if spec_path is None:
        return SpecInfo()
    try:
        from generator.errors import SpecError
        from generator.spec.loader import load_spec
    except ImportError:
        raise StackError("--spec needs the generator package (generator/) in this checkout") from None
    try:
        spec = load_spec(spec_path)
    except SpecError as exc:
        raise StackError(str(exc)) from None
    return SpecInfo(spec.stripe.account_name, tuple(spec.events), spec.stripe.api_version,
                    spec_path=str(Path(spec_path).resolve()))


def _stripe_version(version: str) -> str:
    if "." in version:
        return version
    if version not in STRIPE_VERSION_NAMES:
        raise StackError(f"Stripe API version {version}: give its full name (e.g. 2025-04-30.basil)")
    return STRIPE_VERSION_NAMES[version]


def _wait(check, what: str, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.1)
    raise StackError(f"{what} did not become healthy within {timeout:.0f}s ({last}); see {log}")


def up(spec: SpecInfo, *, jwt_cert: Path | None = None) -> StackState:
    import httpx
    import stripe

    from orgsim.server.settings import SETTINGS_NAME, ServerSettings
    from orgsim.server.tls import ca_bundle, ensure_certificate
    from sfpay.serving import free_port

    existing = load_state()
    if existing is not None:
        check_project(existing, spec.project_root)
    if existing is not None and health(existing)["healthy"]:
        if _same_spec(existing, spec):
            return existing
        # Same project, another spec (or a changed one): the webhook events and the Stripe
        # Account record follow the spec, so start again (the databases are kept).
    if existing is not None:
        down()
    directory = local_dir()
    directory.mkdir(parents=True, exist_ok=True)
    cert, _ = ensure_certificate(directory)
    bundle = ca_bundle(directory, cert)
    settings_file = directory / SETTINGS_NAME
    settings = ServerSettings.load_or_create(settings_file)
    stripe_key = settings.stripe_api_key or "sk_test_local_" + secrets.token_hex(16)

    stripe_port, org_port = free_port(), free_port()
    stripe_log, org_log = directory / "stripesim.log", directory / "orgsim.log"
    stripe_pid = processes.start(
        ["sfpay", STRIPE_MARKER, "--port", str(stripe_port), "--db", str(directory / "stripe.sqlite3"), "--api-key", stripe_key],
        stripe_log,
        # stripesim's webhook deliveries (httpx) must trust the org server's certificate.
        env_extra={"SSL_CERT_FILE": str(bundle)},
    )
    api_base = f"http://127.0.0.1:{stripe_port}"
    try:
        _wait(lambda: httpx.get(f"{api_base}/_sim/health", timeout=2).status_code == 200, "stripesim", stripe_log)
        client = stripe.StripeClient(stripe_key, base_addresses={"api": api_base}, max_network_retries=2)
        # A previous `up` (same Stripe database) registered an endpoint on an old port: replace it.
        for old in client.webhook_endpoints.list(params={"limit": 100}).data:
            if old.description == ENDPOINT_DESCRIPTION:
                client.webhook_endpoints.delete(old.id)
        endpoint = client.webhook_endpoints.create(params={
            "url": f"https://127.0.0.1:{org_port}{settings.webhook_path}",
            "enabled_events": list(spec.events),
            "api_version": _stripe_version(spec.stripe_api_version),
            "description": ENDPOINT_DESCRIPTION,
        })
        settings.stripe_api_base, settings.stripe_api_key, settings.webhook_secret = api_base, stripe_key, endpoint.secret
        if jwt_cert is not None:
            settings.jwt_public_key_file = str(jwt_cert.resolve())
        settings.save(settings_file)
        org_pid = processes.start(
            ["sfpay", "org", "serve", "--port", str(org_port), "--db", str(directory / "org.sqlite3")], org_log)
        state = StackState(stripe_pid, stripe_port, org_pid, org_port, stripe_key, endpoint.id, spec.account_name,
                           str(directory), spec.spec_path, spec.project_root, tuple(spec.events),
                           spec.stripe_api_version)
        _write_private(_state_file(), json.dumps(asdict(state), indent=2, sort_keys=True))
        _wait(lambda: httpx.get(f"{state.instance_url}/_orgsim/health", verify=str(bundle), timeout=2).status_code == 200,
              "the org server", org_log)
        _ensure_stripe_account(state, settings, bundle)
    except BaseException:
        down()
        raise
    return state


def check_project(state: StackState, project_root: str) -> None:
    """Refuse to serve one project's stack to another (a shared SFPAY_STATE_DIR): it holds
    the other project's metadata, webhook events and Stripe Account record."""
    if state.project_root and project_root and Path(state.project_root) != Path(project_root):
        raise OtherProject(
            f"the local stack in {state.state_dir} was started for the project {state.project_root} "
            f"(spec {state.spec_path or 'none'}), not for {project_root}: stop it with `sfpay local down` "
            f"from {state.project_root}, or give this project its own state folder (unset SFPAY_STATE_DIR)")


def _same_spec(state: StackState, spec: SpecInfo) -> bool:
    return (state.account_name == spec.account_name and state.spec_path == spec.spec_path
            and tuple(state.webhook_events) == tuple(spec.events) and state.stripe_api_version == spec.stripe_api_version)


def access_token(state: StackState) -> str:
    """A fresh session through the org's own OAuth endpoint (password grant)."""
    import httpx

    settings = _settings(state)
    response = httpx.post(f"{state.instance_url}/services/oauth2/token", verify=_bundle(state), timeout=10, data={
        "grant_type": "password", "username": settings.username, "password": settings.password})
    if response.status_code != 200:
        raise StackError(f"the org refused the stack's own login: {response.text}")
    return response.json()["access_token"]


def _settings(state: StackState):
    from orgsim.server.settings import SETTINGS_NAME, ServerSettings

    return ServerSettings.load_or_create(Path(state.state_dir) / SETTINGS_NAME)


def _bundle(state: StackState) -> str:
    return str(Path(state.state_dir) / "ca-bundle.pem")


def _ensure_stripe_account(state: StackState, settings, bundle: Path) -> None:
    """The stripeGC__Stripe_Account__c record every generated flow looks up by Name."""
    import httpx

    token = access_token(state)
    headers = {"Authorization": f"Bearer {token}"}
    base = f"{state.instance_url}/services/data/v66.0"
    name = state.account_name.replace("\\", "\\\\").replace("'", "\\'")
    found = httpx.get(f"{base}/query", params={"q": f"SELECT Id FROM stripeGC__Stripe_Account__c WHERE Name = '{name}'"},
                      headers=headers, verify=str(bundle), timeout=10)
    if found.status_code != 200:
        raise StackError(f"cannot look up the Stripe Account record: {found.text}")
    if found.json()["totalSize"]:
        return
    created = httpx.post(f"{base}/sobjects/stripeGC__Stripe_Account__c", json={"Name": state.account_name},
                         headers=headers, verify=str(bundle), timeout=10)
    if created.status_code != 201:
        raise StackError(f"cannot create the Stripe Account record: {created.text}")


def health(state: StackState) -> dict:
    import httpx

    stripe_up = processes.alive(state.stripe_pid, STRIPE_MARKER)
    org_up = processes.alive(state.org_pid, ORG_MARKER)
    stripe_ok = org_ok = False
    if stripe_up:
        try:
            stripe_ok = httpx.get(f"{state.api_base}/_sim/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            pass
    if org_up:
        try:
            org_ok = httpx.get(f"{state.instance_url}/_orgsim/health", verify=_bundle(state), timeout=2).status_code == 200
        except httpx.HTTPError:
            pass
    return {"stripesim": {"pid": state.stripe_pid, "running": stripe_up, "healthy": stripe_ok, "api_base": state.api_base},
            "org": {"pid": state.org_pid, "running": org_up, "healthy": org_ok, "instance_url": state.instance_url},
            "healthy": stripe_ok and org_ok}


def connection(state: StackState, *, with_token: bool = True) -> dict:
    """What `up --json` prints (the user asked for the credentials by asking for JSON)."""
    settings = _settings(state)
    return {
        "instance_url": state.instance_url,
        "username": settings.username,
        "password": settings.password,
        "security_token": settings.security_token,
        "access_token": access_token(state) if with_token else None,
        "ca_bundle": _bundle(state),
        "client_id": settings.client_id,
        "jwt_key_file": _jwt_key_file(settings),
        "webhook_url": f"{state.instance_url}{settings.webhook_path}",
        "webhook_endpoint_id": state.webhook_endpoint_id,
        "webhook_secret": settings.webhook_secret,
        "api_base": state.api_base,
        "api_key": state.stripe_api_key,
        "stripe_account_name": state.account_name,
        "state_dir": state.state_dir,
        "spec": state.spec_path or None,
        "project_root": state.project_root or None,
    }


def _jwt_key_file(settings) -> str | None:
    """The private key of the org's JWT certificate when it sits next to it (the pipeline's
    `sfpay local up` keeps its connected-app pair together), checked to match; else None."""
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
            key = serialization.load_pem_private_key(candidate.read_bytes(), password=None)
        except (OSError, ValueError, TypeError):
            continue
        if key.public_key().public_numbers() == cert_key.public_numbers():
            return str(candidate)
    return None


def down() -> dict:
    state = load_state()
    if state is None:
        return {"stopped": []}
    stopped = []
    if processes.stop(state.org_pid, ORG_MARKER):
        stopped.append("org")
    if processes.stop(state.stripe_pid, STRIPE_MARKER):
        stopped.append("stripesim")
    _state_file().unlink(missing_ok=True)
    return {"stopped": stopped}
