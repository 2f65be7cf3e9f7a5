"""A self-signed certificate for the loopback server.

simple-salesforce and CumulusCI build `https://` URLs from the instance host, so the org
server speaks TLS; clients trust this certificate explicitly (`requests` `verify=` or
`REQUESTS_CA_BUNDLE`), nothing is added to any system trust store.

The trust comes in two forms with the same certificates (the public roots + the org's):
- `ca-bundle.pem`, one file, for people and for tools that want a file (curl, `sf`);
- `ca-certs/`, OpenSSL's hashed CA directory, for sfpay's own clients and children. A TLS
  context given a bundle file parses every certificate in it when it is made (about 145: 40-90 ms
  on OpenSSL 3), and urllib3 makes a context for every new connection (a full local verify made
  96). Given a directory, OpenSSL reads only the certificate a verification looks up
  (https://docs.openssl.org/3.0/man3/SSL_CTX_load_verify_locations/). requests and httpx take
  either form as `verify` (a directory is recognised as such).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
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
    import hashlib

    bundle = directory / "ca-bundle.pem"
    data = _public_roots(directory).rstrip(b"\n") + b"\n" + cert_path.read_bytes()
    # What the hashed directory was last written from. Unchanged (every restart of the same
    # stack), nothing is rewritten and no certificate is parsed (OpenSSL's subject hashes of
    # ~145 roots, and pyOpenSSL's import, are most of this function's cost). The marker is
    # written after the directory, so a stale marker only ever means one more rebuild.
    marker = directory / "ca-certs.sha256"
    digest = hashlib.sha256(data).hexdigest()
    if _text_of(marker) == digest and ca_certs_dir(directory).is_dir() and _bytes_of(bundle) == data:
        return bundle
    tmp = bundle.with_suffix(".pem.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, bundle)
    _write_hashed_directory(ca_certs_dir(directory), data)
    write_private(marker, digest)
    return bundle


def _bytes_of(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _text_of(path: Path) -> str | None:
    data = _bytes_of(path)
    return None if data is None else data.decode("ascii", "replace").strip()


def _public_roots(directory: Path) -> bytes:
    """The roots the user's clients trust: REQUESTS_CA_BUNDLE's (a file, or a CA directory, which
    requests accepts too), else certifi's. Never this org's own trust (the variable exported as
    `sfpay local up` suggests), which would carry an old certificate of the org along."""
    import certifi

    configured = os.environ.get("REQUESTS_CA_BUNDLE")
    own = {(directory / "ca-bundle.pem").resolve(), ca_certs_dir(directory).resolve()}
    if not configured or Path(configured).resolve() in own:
        return Path(certifi.where()).read_bytes()
    roots = Path(configured)
    if roots.is_dir():
        files = sorted(path for path in roots.iterdir() if path.is_file())
        return b"\n".join(block for path in files for block in pem_certificates(path.read_bytes()))
    return roots.read_bytes()


def ca_certs_dir(directory: Path) -> Path:
    """The hashed CA directory `ca_bundle(directory, ...)` writes beside the bundle."""
    return directory / "ca-certs"


def pem_certificates(pem_bundle: bytes) -> list[bytes]:
    """The bundle's PEM certificate blocks, as written (RFC 7468 textual encoding), in order.
    Split as text, not parsed: a public root may carry what a strict parser refuses (certifi
    holds one with a non-positive serial number, which cryptography warns it will reject)."""
    import re

    return re.findall(rb"-----BEGIN CERTIFICATE-----\r?\n.*?-----END CERTIFICATE-----", pem_bundle, re.DOTALL)


def _hashed_files(pem_bundle: bytes) -> dict[str, bytes]:
    """Every certificate of the bundle as `<subject hash>.<n>`: OpenSSL's CA directory layout
    (https://docs.openssl.org/3.0/man1/openssl-rehash/). The hash is OpenSSL's own
    X509_subject_name_hash (pyOpenSSL's `subject_name_hash`, OpenSSL's parser); n counts
    certificates whose subjects share a hash, in bundle order. A certificate listed twice is
    written once; a block OpenSSL cannot read (from a user's REQUESTS_CA_BUNDLE) trusts nothing
    and is left out."""
    from OpenSSL import crypto

    files: dict[str, bytes] = {}
    seen: set[bytes] = set()
    for block in pem_certificates(pem_bundle):
        if block in seen:
            continue
        seen.add(block)
        try:
            certificate = crypto.load_certificate(crypto.FILETYPE_PEM, block)
        except crypto.Error:
            continue
        subject = f"{certificate.subject_name_hash():08x}"
        number = sum(1 for name in files if name.startswith(subject + "."))
        files[f"{subject}.{number}"] = block + b"\n"
    return files


def _write_hashed_directory(target: Path, pem_bundle: bytes) -> None:
    """Write `target` from the bundle's certificates; left alone when it already holds exactly
    them (a restart of the same stack). Built beside and renamed into place, so a reader never
    sees a half-written directory."""
    files = _hashed_files(pem_bundle)
    if target.is_dir() and {path.name: path.read_bytes() for path in target.iterdir()} == files:
        return
    staging = target.with_name(f".{target.name}.{os.getpid()}.new")
    shutil.rmtree(staging, ignore_errors=True)
    # Private like the rest of the state folder (certificates are public, but nobody else
    # needs them and one rule for the folder is simpler to check).
    staging.mkdir(mode=0o700)
    for name, pem in files.items():
        descriptor = os.open(staging / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
    if target.exists():
        retired = target.with_name(f".{target.name}.{os.getpid()}.old")
        shutil.rmtree(retired, ignore_errors=True)
        target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staging.rename(target)
