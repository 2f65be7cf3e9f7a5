"""The org server's settings file (`orgsim-server.json`, mode 0600, next to the database).

It holds the secrets a real org would keep server-side (the admin password and security
token, the connected app's client secret, the session-signing key, the webhook signing
secret, the Stripe key the connector uses), generated on first start and kept across
restarts, so sessions and credentials survive `kill -9`. Nothing here is ever printed or
logged; `sfpay local up --json` prints what the user asked for.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

SETTINGS_NAME = "orgsim-server.json"


@dataclass
class ServerSettings:
    username: str = "admin@orgsim.local"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    security_token: str = field(default_factory=lambda: secrets.token_hex(12).upper())
    client_id: str = "orgsim-local-connected-app"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    session_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    webhook_path: str = "/services/apexrest/stripeGC/webhook"
    webhook_secret: str | None = None
    jwt_public_key_file: str | None = None
    jwt_audiences: list[str] = field(default_factory=list)
    stripe_api_base: str | None = None
    stripe_api_key: str | None = None
    # The namespace the Stripe connector is installed under (the spec's stripe.namespace, written
    # by the local stack); None: the connector catalog's own.
    connector_namespace: str | None = None

    @classmethod
    def load_or_create(cls, path: Path) -> "ServerSettings":
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            return cls(**known)
        settings = cls()
        settings.save(path)
        return settings

    def save(self, path: Path) -> None:
        from sfpay.private_files import write_private

        write_private(path, json.dumps(asdict(self), indent=2, sort_keys=True))
