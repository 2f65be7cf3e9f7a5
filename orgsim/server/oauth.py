"""The OAuth 2.0 token endpoint: JWT bearer grant (CumulusCI, the Salesforce CLI) and the
username-password grant; plus `/services/oauth2/userinfo`, which CumulusCI reads after login."""

from __future__ import annotations

import hmac

import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse

from orgsim.server.config import ServerConfig
from orgsim.server.errors import OAuthError
from orgsim.server.sessions import SessionIssuer

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# CumulusCI sets `exp` to the current second; Salesforce accepts that, so a small allowance
# for clock skew is part of the real behaviour. Anything older is refused.
JWT_LEEWAY_SECONDS = 30


def _load_verification_key(pem: bytes):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    if b"BEGIN CERTIFICATE" in pem:
        return x509.load_pem_x509_certificate(pem).public_key()
    return load_pem_public_key(pem)


class TokenEndpoint:
    def __init__(self, config: ServerConfig, sessions: SessionIssuer):
        self.config = config
        self.sessions = sessions
        self._jwt_key = _load_verification_key(config.jwt_public_key_pem) if config.jwt_public_key_pem else None

    async def handle(self, request: Request) -> JSONResponse:
        try:
            form = await request.form()
            grant = form.get("grant_type")
            if grant == JWT_BEARER:
                username = self._jwt_grant(str(form.get("assertion") or ""))
            elif grant == "password":
                username = self._password_grant(form)
            elif not grant:
                raise OAuthError("unsupported_grant_type", "grant type not supported")
            else:
                raise OAuthError("unsupported_grant_type", f"grant type not supported: {grant}")
        except OAuthError as exc:
            return exc.response()
        return JSONResponse(self.sessions.token_response(username))

    def _jwt_grant(self, assertion: str) -> str:
        if self._jwt_key is None:
            raise OAuthError(
                "invalid_client_id", "this org has no connected app certificate configured for the JWT bearer grant"
            )
        if not assertion:
            raise OAuthError("invalid_request", "assertion is missing")
        try:
            claims = jwt.decode(
                assertion,
                self._jwt_key,
                algorithms=["RS256"],
                audience=list(self.config.audiences),
                leeway=JWT_LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise OAuthError("invalid_grant", "expired authorization code") from None
        except jwt.InvalidAudienceError:
            raise OAuthError(
                "invalid_grant", f"audience is invalid: expected one of {', '.join(self.config.audiences)}"
            ) from None
        except jwt.InvalidSignatureError:
            raise OAuthError(
                "invalid_grant", "invalid assertion: signature does not match the connected app certificate"
            ) from None
        except jwt.MissingRequiredClaimError as exc:
            raise OAuthError("invalid_grant", f"invalid assertion: missing claim {exc.claim}") from None
        except jwt.InvalidTokenError as exc:
            raise OAuthError("invalid_grant", f"invalid assertion: {exc}") from None
        if claims["iss"] != self.config.client_id:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        if claims["sub"] != self.config.username:
            raise OAuthError("invalid_grant", "user hasn't approved this consumer")
        return claims["sub"]

    def _password_grant(self, form) -> str:
        username = str(form.get("username") or "")
        password = str(form.get("password") or "")
        client_id = form.get("client_id")
        if client_id is not None and client_id != self.config.client_id:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        # Bytes, not str: compare_digest raises TypeError on a non-ASCII str (issue 14 #4).
        if client_id is not None and not hmac.compare_digest(
            str(form.get("client_secret") or "").encode(), self.config.client_secret.encode()
        ):
            raise OAuthError("invalid_client", "invalid client credentials")
        if not check_password(self.config, username, password):
            raise OAuthError("invalid_grant", "authentication failure")
        return username


def check_password(config: ServerConfig, username: str, password: str) -> bool:
    """Password, or password + security token appended (Salesforce's rule outside trusted IPs)."""
    if username != config.username:
        return False
    candidates = [config.password, config.password + config.security_token]
    return any(hmac.compare_digest(password.encode(), c.encode()) for c in candidates)


def userinfo(config: ServerConfig):
    async def endpoint(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "sub": config.identity_url,
                "user_id": config.user_id,
                "organization_id": config.org_id,
                "preferred_username": config.username,
                "nickname": config.username.split("@")[0],
                "name": "orgsim Admin",
                "email": config.username,
                "email_verified": True,
                "given_name": "orgsim",
                "family_name": "Admin",
                "zoneinfo": "GMT",
                "locale": "en_US",
                "language": "en_US",
                "user_type": "STANDARD",
                "active": True,
                "is_app_installed": True,
                "urls": {
                    "rest": f"{config.instance_url}/services/data/v{{version}}/",
                    "sobjects": f"{config.instance_url}/services/data/v{{version}}/sobjects/",
                    "query": f"{config.instance_url}/services/data/v{{version}}/query/",
                    "metadata": f"{config.instance_url}/services/Soap/m/{{version}}/{config.org_id[:15]}",
                    "partner": f"{config.instance_url}/services/Soap/u/{{version}}/{config.org_id[:15]}",
                },
            }
        )

    return endpoint
