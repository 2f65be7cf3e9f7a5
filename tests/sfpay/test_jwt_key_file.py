"""`sfpay local status --json` names the private key of the org's JWT certificate only when a
key beside the certificate is its pair (sfpay/local/stack.py `_jwt_key_file`): a key of another
pair, a file that is no key, or no key at all gives None."""

from __future__ import annotations

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from orgsim.server.settings import ServerSettings
from sfpay.local.stack import _jwt_key_file


def _key_pem() -> tuple[rsa.RSAPrivateKey, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return key, pem


def _certificate(key: rsa.RSAPrivateKey, path: Path) -> Path:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "orgsim connected app")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def test_only_the_certificates_own_key_is_named(tmp_path):
    ours, ours_pem = _key_pem()
    _, stranger_pem = _key_pem()
    cert = _certificate(ours, tmp_path / "server.crt")
    settings = ServerSettings(jwt_public_key_file=str(cert))
    (tmp_path / "a-stranger.key").write_bytes(stranger_pem)
    (tmp_path / "b-broken.key").write_text("not a key")
    assert _jwt_key_file(settings) is None
    (tmp_path / "c-ours.key").write_bytes(ours_pem)
    assert _jwt_key_file(settings) == str(tmp_path / "c-ours.key")
    assert _jwt_key_file(ServerSettings()) is None
