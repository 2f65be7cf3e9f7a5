"""Access tokens: `<org id>!<payload>.<signature>`, HMAC-signed with the server's session secret.

Signed rather than stored, so a token stays valid across a crash and restart of the server
(as a real org's session does) for as long as the secret file is kept, and every request
checks it in constant time without touching the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from orgsim.server.config import ServerConfig


@dataclass(frozen=True)
class Session:
    username: str
    issued_at: int  # unix seconds
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionIssuer:
    def __init__(self, config: ServerConfig):
        self._config = config

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._config.session_secret, payload.encode(), hashlib.sha256).digest())

    def issue(self, username: str, now: float | None = None) -> tuple[str, Session]:
        issued = int(now if now is not None else time.time())
        session = Session(username, issued, issued + self._config.session_seconds)
        payload = _b64(json.dumps([session.username, session.issued_at, session.expires_at]).encode())
        return f"{self._config.org_id[:15]}!{payload}.{self._sign(payload)}", session

    def verify(self, token: str, now: float | None = None) -> Session | None:
        # Tokens we issue are ASCII; anything else (a forged `...!eA.\xe9`) is simply not one
        # of them. hmac.compare_digest raises TypeError on non-ASCII str, so check first.
        if not token.isascii():
            return None
        prefix, _, rest = token.partition("!")
        payload, _, signature = rest.partition(".")
        if prefix != self._config.org_id[:15] or not payload or not signature:
            return None
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            username, issued, expires = json.loads(_unb64(payload))
        except (ValueError, TypeError):
            return None
        if not (isinstance(issued, int) and isinstance(expires, int) and isinstance(username, str)):
            return None
        if (now if now is not None else time.time()) >= expires or username != self._config.username:
            return None
        return Session(username, issued, expires)

    def token_response(self, username: str) -> dict:
        """The token endpoint's success body, with the fields CumulusCI and simple-salesforce read."""
        token, session = self.issue(username)
        issued_ms = str(session.issued_at * 1000)
        identity = self._config.identity_url
        signature = base64.b64encode(
            hmac.new(self._config.client_secret.encode(), (identity + issued_ms).encode(), hashlib.sha256).digest()
        ).decode()
        return {
            "access_token": token,
            "scope": "api web full",
            "instance_url": self._config.instance_url,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued_ms,
            "signature": signature,
        }


def bearer_token(authorization: str | None) -> str | None:
    """`Authorization: Bearer X` (or Salesforce's older `OAuth X`)."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() not in ("bearer", "oauth") or not token.strip():
        return None
    return token.strip()
