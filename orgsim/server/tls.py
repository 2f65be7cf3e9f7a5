"""A self-signed certificate for the loopback server.

simple-salesforce and CumulusCI build `https://` URLs from the instance host, so the org
server speaks TLS; clients trust this certificate explicitly (`requests` `verify=` or
`REQUESTS_CA_BUNDLE`), nothing is added to any system trust store.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from pathlib import Path

from sfpay.private_files import write_private


def ensure_certificate(directory: Path) -> tuple[Path, Path]:
    """(cert.pem, key.pem) in `directory`, created on first use and reused after."""
    cert_path, key_path = directory / "org-tls-cert.pem", directory / "org-tls-key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "orgsim local org")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    write_private(
        key_path,
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
    write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def ca_bundle(directory: Path, cert_path: Path) -> Path:
    """A CA bundle = the usual public roots + the org's certificate, for `REQUESTS_CA_BUNDLE`.

    requests lets `REQUESTS_CA_BUNDLE` override a session's own `verify=` path, so pointing
    that variable at this bundle is the one setting that works for every client (simple-
    salesforce, CumulusCI) without losing the public roots other calls need.
    """
    import certifi

    roots = Path(os.environ.get("REQUESTS_CA_BUNDLE") or certifi.where())
    if roots.resolve() == (directory / "ca-bundle.pem").resolve():
        roots = Path(certifi.where())
    bundle = directory / "ca-bundle.pem"
    data = roots.read_bytes().rstrip(b"\n") + b"\n" + cert_path.read_bytes()
    tmp = bundle.with_suffix(".pem.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, bundle)
    return bundle
