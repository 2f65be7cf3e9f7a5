"""The local org joins CumulusCI by JWT, as CI connects a real org.

`sfpay.local.stack.up(spec, jwt_cert=...)` starts the org server trusting a connected-app
certificate. This module owns that certificate's key pair (kept in the stack's state folder,
mode 0600, created once), starts the stack with it, and registers the running org with
CumulusCI through `pipeline.local_org.register_local_org` - CumulusCI's own JWT login.
`sfpay local up` calls `up_with_cumulusci`; `sfpay local down` calls `forget_cumulusci_org`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.local_org import LocalOrgLink, RegistrationError, register_local_org, unregister_local_org
from sfpay.local import processes, stack
from sfpay.private_files import write_private

if TYPE_CHECKING:
    from orgsim.server.settings import ServerSettings

JWT_FOLDER = "cumulusci-jwt"


@dataclass
class JwtKeyPair:
    key_path: Path
    cert_path: Path


def ensure_jwt_key_pair(directory: Path) -> JwtKeyPair:
    """An RSA key and a self-signed certificate for the local org's connected app, created
    on first use (like the certificate a user uploads to a real connected app)."""
    key_path, cert_path = directory / "server.key", directory / "server.crt"
    if key_path.exists() and cert_path.exists():
        return JwtKeyPair(key_path, cert_path)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sfpay local CumulusCI")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=730))
        .sign(key, hashes.SHA256())
    )
    write_private(
        key_path,
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        private_dir=True,
    )
    write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return JwtKeyPair(key_path, cert_path)


@dataclass
class LocalUp:
    state: stack.StackState
    settings: "ServerSettings"
    registered: dict[str, Any] | None  # what CumulusCI learnt (org id, username, ...), None if not registered
    warning: str | None  # why the CumulusCI registration did not happen


def up_with_cumulusci(
    spec_info: stack.SpecInfo, project_root: Path | None = None, state_root: Path | None = None
) -> LocalUp:
    """Start (or reuse) the local stack with our connected-app certificate, then register
    the org with CumulusCI as `local`. The stack works without CumulusCI: a registration
    problem is returned as a warning, not raised."""
    from sfpay.paths import state_dir

    keys = ensure_jwt_key_pair(stack.local_dir(state_root) / JWT_FOLDER)
    state, settings = stack.up(spec_info, jwt_cert=keys.cert_path, state_root=state_root)
    root = project_root or _project_root(Path(spec_info.project_root or Path.cwd()))
    if root is None:
        return LocalUp(
            state,
            settings,
            None,
            "no cumulusci.yml here or above: not registered with CumulusCI "
            "(run `sfpay local up` from the sfpay project to deploy with `sfpay deploy --org local`)",
        )
    if settings.jwt_public_key_file and Path(settings.jwt_public_key_file).resolve() != keys.cert_path.resolve():
        return LocalUp(
            state,
            settings,
            None,
            f"the org server trusts {settings.jwt_public_key_file}, not sfpay's key: not registered with CumulusCI",
        )
    link = LocalOrgLink(
        instance_url=state.instance_url,
        username=settings.username,
        client_id=settings.client_id,
        private_key_path=str(keys.key_path),
        ca_bundle_path=stack.trust_path(state),
    )
    try:
        # The org server process, so a reused stack whose login was checked is not checked again.
        server = processes.identity(state.org_pid)
        info = register_local_org(
            link,
            root,
            state_dir=state_root if state_root is not None else state_dir(),
            server_identity=f"{server} {state.instance_url}" if server else None,
        )
    except RegistrationError as exc:
        return LocalUp(
            state, settings, None, f"{exc} (a stack started by an older sfpay: `sfpay local down && sfpay local up`)"
        )
    return LocalUp(state, settings, info, None)


def forget_cumulusci_org(project_root: Path | None = None, state_root: Path | None = None) -> bool:
    from sfpay.paths import state_dir

    root = project_root or _project_root(Path.cwd())
    return unregister_local_org(root or Path.cwd(), state_root if state_root is not None else state_dir())


def _project_root(start: Path) -> Path | None:
    """The CumulusCI project at or above `start` (None: the stack runs without CumulusCI)."""
    from pipeline.deploy_command import DeployCommandError, find_project_root

    try:
        return find_project_root(start)
    except DeployCommandError:
        return None
