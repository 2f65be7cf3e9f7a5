"""One org server (real in-memory org, HTTPS, the validator's deploy check) shared by the
hostile-input tests of a module, and the plain-HTTP helpers they send with."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.ssl_ import create_urllib3_context

WEBHOOK_SECRET = "whsec_hostile_corpus_secret"


class TrustLoadedOnce(HTTPAdapter):
    """requests' adapter, with the CA bundle loaded into one SSL context up front.

    For `verify=<path>` urllib3 builds a context and loads the bundle (the public roots and
    the org's certificate: about 40 ms of CPU) for every new connection, and the corpus
    replay opens one per request (issue 17). This is urllib3's own per-connection setup
    (`create_urllib3_context` + `load_verify_locations`) done once: certificates and host
    names are verified exactly as before, and every request still gets its own connection."""

    def __init__(self, bundle: str) -> None:
        self._context = create_urllib3_context()
        self._context.load_verify_locations(bundle)
        super().__init__()

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        pool_kwargs.pop("ca_certs", None)
        pool_kwargs["ssl_context"] = self._context
        return host_params, pool_kwargs

    def cert_verify(self, conn, url, verify, cert) -> None:
        super().cert_verify(conn, url, verify, cert)
        conn.ca_certs = conn.ca_cert_dir = None  # the context holds them already


@dataclass
class Hostile:
    base: str
    token: str
    org: object
    config: object
    ca_bundle: str
    # Fuzzing reuses one keep-alive connection (fast); the corpus replay opens one per request.
    reuse_connections: bool = False
    _shared: requests.Session | None = None
    _trust: TrustLoadedOnce | None = None

    def session(self) -> requests.Session:
        # A fresh connection per request: a server that fails a request must not be able to
        # poison the next case through a half-read keep-alive connection.
        session = requests.Session()
        session.headers["Connection"] = "close"
        if self._trust is None:
            self._trust = TrustLoadedOnce(self.ca_bundle)
        session.mount("https://", self._trust)
        return session

    def send(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        params=None,
        authorization=None,
        signed=False,
        content_type="application/json",
    ):
        headers = {"Content-Type": content_type}
        headers["Authorization"] = authorization if authorization is not None else f"Bearer {self.token}"
        if signed:
            headers["Stripe-Signature"] = sign(body or b"")
        with self.session() as session:
            return session.request(
                method, self.base + path, data=body, params=params, headers=headers, timeout=60, verify=self.ca_bundle
            )


def sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    timestamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def start_hostile_server(tls_files):
    """(Hostile, stop) over a fresh in-memory org."""
    from orgsim import Org
    from orgsim.server.app import create_app
    from orgsim.server.config import ServerConfig
    from orgsim.server.running import start_in_thread
    from orgsim.server.sessions import SessionIssuer
    from orgsim.server.tls import ca_bundle
    from sfpay.local.deploy_checks import validator_check
    from sfpay.serving import free_port

    port = free_port()
    config = ServerConfig(
        instance_url=f"https://127.0.0.1:{port}",
        password="orgsim-pass",
        security_token="TOKEN123",
        jwt_public_key_pem=None,
        webhook_secret=WEBHOOK_SECRET,
    )
    org = Org.open(":memory:")
    server = start_in_thread(create_app(org, config, deploy_checks=(validator_check,)), port, *tls_files)
    token, _ = SessionIssuer(config).issue(config.username)
    bundle = str(ca_bundle(tls_files[0].parent, tls_files[0]))
    return Hostile(config.instance_url, token, org, config, bundle), server.stop
