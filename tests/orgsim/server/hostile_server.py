"""One org server (real in-memory org, HTTPS, the validator's deploy check) shared by the
hostile-input tests of a module, and the plain-HTTP helpers they send with."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

import requests

WEBHOOK_SECRET = "whsec_hostile_corpus_secret"


@dataclass
class Hostile:
    base: str
    token: str
    org: object
    config: object
    # The org's trust as OpenSSL's hashed CA directory: a connection's context reads only the
    # certificate it needs, so the corpus replay's connection per request stays cheap (issue 17).
    ca_certs: str

    def session(self) -> requests.Session:
        # A fresh connection per request: a server that fails a request must not be able to
        # poison the next case through a half-read keep-alive connection.
        session = requests.Session()
        session.headers["Connection"] = "close"
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
                method, self.base + path, data=body, params=params, headers=headers, timeout=60, verify=self.ca_certs
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
    from orgsim.server.tls import ca_bundle, ca_certs_dir
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
    ca_bundle(tls_files[0].parent, tls_files[0])
    bundle = str(ca_certs_dir(tls_files[0].parent))
    return Hostile(config.instance_url, token, org, config, bundle), server.stop
