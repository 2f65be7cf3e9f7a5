"""What an org server is configured with: who may log in, how, and where it lives."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

# The versions /services/data lists. 66.0 is the project's Metadata API version; 59.0 is
# simple-salesforce's default and CumulusCI asks for the newest listed one, so every version
# a real org of this release would list is served.
API_VERSIONS = tuple(f"{v}.0" for v in range(31, 67))
LATEST_API_VERSION = API_VERSIONS[-1]

ORG_ID = "00D8d0000000001EAA"
USER_ID = "0058d0000000001AAA"


@dataclass
class ServerConfig:
    """`instance_url` is the externally visible base URL (https://127.0.0.1:PORT).

    JWT bearer grant: the assertion must be RS256-signed by the key matching
    `jwt_public_key_pem` (a PEM public key or X.509 certificate, as uploaded to a connected
    app), `iss` = `client_id`, `sub` = `username`, `aud` one of `jwt_audiences`.
    """

    instance_url: str
    username: str = "admin@orgsim.local"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    security_token: str = ""
    client_id: str = "orgsim-local-connected-app"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    jwt_public_key_pem: bytes | None = None
    jwt_audiences: tuple[str, ...] = ()
    # Signs access tokens; keep it across restarts and tokens stay valid (like a real org's sessions).
    session_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    session_seconds: int = 2 * 60 * 60  # Salesforce's default session timeout
    webhook_path: str = "/services/apexrest/stripeGC/webhook"
    webhook_secret: str | None = None
    webhook_tolerance: int = 300
    org_id: str = ORG_ID
    user_id: str = USER_ID
    # Where a webhook secret set at run time (/_orgsim/webhook-secret) is kept, so it survives
    # a restart; None for servers without a settings file (tests).
    settings_file: str | None = None

    @property
    def audiences(self) -> tuple[str, ...]:
        return tuple(a.rstrip("/") for a in (self.jwt_audiences or (self.instance_url,)))

    @property
    def identity_url(self) -> str:
        return f"{self.instance_url}/id/{self.org_id}/{self.user_id}"
