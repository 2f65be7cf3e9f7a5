"""OAuth (JWT bearer + password grants), SOAP login and the session gate, with the real clients."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from simple_salesforce import Salesforce, SalesforceLogin
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceExpiredSession

INVALID_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def _assertion(private_pem, config, **claims):
    payload = {
        "iss": config.client_id,
        "sub": config.username,
        "aud": config.instance_url,
        "exp": int(time.time()) + 120,
        **claims,
    }
    return jwt.encode(payload, private_pem, algorithm="RS256")


def test_cumulusci_jwt_session_gets_a_working_token(served, https, rsa_key_pair, tls_files, monkeypatch):
    from cumulusci.oauth.salesforce import jwt_session

    server, config = served()
    monkeypatch.setenv("SF_PROD_LOGIN_URL", config.instance_url)
    info = jwt_session(config.client_id, rsa_key_pair[0].decode(), config.username, url=config.instance_url)
    assert set(info) >= {"access_token", "instance_url", "id", "token_type", "issued_at", "signature"}
    assert info["instance_url"] == config.instance_url
    assert info["id"].split("/")[-2:] == [config.org_id, config.user_id]
    resp = https.get(
        f"{config.instance_url}/services/oauth2/userinfo", headers={"Authorization": f"Bearer {info['access_token']}"}
    )
    assert resp.status_code == 200 and resp.json()["preferred_username"] == config.username


@pytest.mark.parametrize(
    "claims, error, description",
    [
        ({"exp": int(time.time()) - 600}, "invalid_grant", "expired"),
        ({"aud": "https://login.salesforce.com"}, "invalid_grant", "audience is invalid"),
        ({"iss": "someone-else"}, "invalid_client_id", "client identifier invalid"),
        ({"sub": "intruder@example.com"}, "invalid_grant", "user hasn't approved this consumer"),
    ],
)
def test_jwt_grant_enforces_expiry_audience_issuer_subject(served, https, rsa_key_pair, claims, error, description):
    server, config = served()
    assertion = _assertion(rsa_key_pair[0], config, **claims)
    resp = https.post(
        f"{config.instance_url}/services/oauth2/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
    )
    assert resp.status_code == 400
    assert resp.json()["error"] == error and description in resp.json()["error_description"]


def test_jwt_grant_rejects_a_key_the_org_does_not_know(served, https):
    server, config = served()
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    resp = https.post(
        f"{config.instance_url}/services/oauth2/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": _assertion(stranger, config)},
    )
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"


def test_simple_salesforce_soap_login_then_rest(served, https, tls_files):
    server, config = served()
    session_id, instance = SalesforceLogin(
        username=config.username,
        password=config.password,
        security_token=config.security_token,
        scratch_url=config.instance_url,
        session=https,
        sf_version="66.0",
    )
    assert instance == f"127.0.0.1:{server.port}"
    sf = Salesforce(session_id=session_id, instance_url=config.instance_url, session=https, version="66.0")
    assert sf.restful("")["sobjects"] == "/services/data/v66.0/sobjects"


def test_soap_login_with_wrong_password_fails_like_salesforce(served, https):
    server, config = served()
    with pytest.raises(SalesforceAuthenticationFailed) as info:
        SalesforceLogin(
            username=config.username,
            password="wrong",
            security_token=config.security_token,
            scratch_url=config.instance_url,
            session=https,
        )
    assert info.value.code == "INVALID_LOGIN"


def test_password_grant(served, https):
    server, config = served()
    url = f"{config.instance_url}/services/oauth2/token"
    good = https.post(
        url,
        data={
            "grant_type": "password",
            "client_id": config.client_id,
            "client_secret": config.client_secret,
            "username": config.username,
            "password": config.password + config.security_token,
        },
    )
    assert good.status_code == 200 and good.json()["token_type"] == "Bearer"
    bad = https.post(url, data={"grant_type": "password", "username": config.username, "password": "nope"})
    assert bad.status_code == 400 and bad.json() == {
        "error": "invalid_grant",
        "error_description": "authentication failure",
    }
    odd = https.post(url, data={"grant_type": "authorization_code", "code": "x"})
    assert odd.status_code == 400 and odd.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("authorization", [None, "Bearer ", "Bearer garbage", "Basic abc"])
def test_api_calls_without_a_valid_session_get_401(served, https, authorization):
    server, config = served()
    headers = {"Authorization": authorization} if authorization else {}
    resp = https.get(f"{config.instance_url}/services/data/v66.0", headers=headers)
    assert resp.status_code == 401 and resp.json() == INVALID_SESSION


def test_forged_and_expired_tokens_are_refused(served, https):
    from orgsim.server.sessions import SessionIssuer

    server, config = served()
    token, _ = SessionIssuer(config).issue(config.username)
    prefix, rest = token.split("!")
    forged = f"{prefix}!{rest[:-2]}{'AA' if not rest.endswith('AA') else 'BB'}"
    expired, _ = SessionIssuer(config).issue(config.username, now=time.time() - config.session_seconds - 1)
    other_secret, _ = SessionIssuer(type(config)(instance_url=config.instance_url)).issue(config.username)
    for bad in (forged, expired, other_secret):
        resp = https.get(f"{config.instance_url}/services/data/v66.0", headers={"Authorization": f"Bearer {bad}"})
        assert resp.status_code == 401 and resp.json() == INVALID_SESSION
    sf = Salesforce(session_id=expired, instance_url=config.instance_url, session=https, version="66.0")
    with pytest.raises(SalesforceExpiredSession):
        sf.restful("")


def test_versions_list_and_unknown_version(served, https):
    server, config = served()
    token, _ = __import__("orgsim.server.sessions", fromlist=["x"]).SessionIssuer(config).issue(config.username)
    versions = https.get(f"{config.instance_url}/services/data").json()
    assert {"66.0", "59.0"} <= {v["version"] for v in versions} and versions[-1]["version"] == "66.0"
    resp = https.get(f"{config.instance_url}/services/data/v12.0", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 404 and resp.json()[0]["errorCode"] == "NOT_FOUND"
