"""The local org's trust store: the CA bundle file, and the same certificates as an OpenSSL
hashed directory that sfpay's own clients use.

A context given a bundle file parses every certificate in it when it is made (~145 with the
public roots: 40-90 ms on OpenSSL 3 here), and urllib3 makes one for every new connection; a
full local verify made 96 of them (4.6 s). Given a hashed directory, OpenSSL reads only the
certificate a verification looks up (https://docs.openssl.org/3.0/man3/SSL_CTX_load_verify_locations/).
"""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest
import requests

from orgsim.server.tls import ca_bundle, ca_certs_dir, ensure_certificate, pem_certificates


@pytest.fixture(scope="module")
def trust(tmp_path_factory):
    directory = tmp_path_factory.mktemp("trust")
    cert, key = ensure_certificate(directory)
    bundle = ca_bundle(directory, cert)
    return bundle, ca_certs_dir(directory), cert, key


def test_the_directory_holds_every_certificate_of_the_bundle_under_openssls_hash(trust, tmp_path):
    bundle, certs_dir, _, _ = trust
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command to compare with")
    # OpenSSL's own layout for the same certificates (https://docs.openssl.org/3.0/man1/openssl-rehash/).
    reference = tmp_path / "reference"
    reference.mkdir()
    blocks = pem_certificates(bundle.read_bytes())
    assert len(blocks) > 100
    for number, block in enumerate(blocks):
        (reference / f"cert{number}.pem").write_bytes(block + b"\n")
    subprocess.run([openssl, "rehash", str(reference)], check=True, capture_output=True)

    def by_name(folder):
        return {path.name: path.read_bytes().strip() for path in folder.iterdir() if not path.name.endswith(".pem")}

    assert by_name(certs_dir) == by_name(reference)


def test_a_context_from_the_directory_reads_no_certificate_before_it_verifies(trust):
    bundle, certs_dir, _, _ = trust
    assert ssl.create_default_context(cafile=str(bundle)).cert_store_stats()["x509_ca"] > 100
    assert ssl.create_default_context(capath=str(certs_dir)).cert_store_stats()["x509_ca"] == 0


def test_requests_trusts_the_org_server_through_the_directory_and_nothing_else(trust, tmp_path):
    from orgsim.server.app import create_app
    from orgsim.server.config import ServerConfig
    from orgsim.server.running import start_in_thread
    from sfpay.serving import free_port

    bundle, certs_dir, cert, key = trust
    port = free_port()
    config = ServerConfig(instance_url=f"https://127.0.0.1:{port}", password="p", security_token="t")
    server = start_in_thread(create_app(None, config), port, cert, key)
    try:
        with requests.Session() as session:
            session.trust_env = False
            assert session.get(f"{config.instance_url}/_orgsim/health", verify=str(certs_dir), timeout=10).ok
        other, _ = ensure_certificate(tmp_path / "other")  # another org's certificate only
        ca_bundle(other.parent, other)
        with requests.Session() as session, pytest.raises(requests.exceptions.SSLError):
            session.trust_env = False
            session.get(f"{config.instance_url}/_orgsim/health", verify=str(ca_certs_dir(other.parent)), timeout=10)
    finally:
        server.stop()


def test_an_unchanged_bundle_leaves_the_directory_alone_and_a_new_certificate_replaces_it(tmp_path):
    cert, _ = ensure_certificate(tmp_path)
    ca_bundle(tmp_path, cert)
    certs_dir = ca_certs_dir(tmp_path)
    before = {path.name: path.stat().st_mtime_ns for path in certs_dir.iterdir()}
    ca_bundle(tmp_path, cert)
    assert {path.name: path.stat().st_mtime_ns for path in certs_dir.iterdir()} == before
    cert.unlink()
    (tmp_path / "org-tls-key.pem").unlink()
    cert, _ = ensure_certificate(tmp_path)
    ca_bundle(tmp_path, cert)
    names = {path.name for path in certs_dir.iterdir()}
    assert len(names) == len(before)  # the org's certificate replaced, not added
    assert cert.read_bytes().strip() in {path.read_bytes().strip() for path in certs_dir.iterdir()}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ca-certs")] == []


def test_an_unchanged_trust_is_not_rebuilt(tmp_path):
    """A restart of the same stack parses no certificate: pyOpenSSL (the subject hashes) is
    not even imported when the bundle is what the directory was last written from."""
    import sys

    cert, _ = ensure_certificate(tmp_path)
    code = (
        "import sys; from pathlib import Path; from orgsim.server.tls import ca_bundle; "
        "d = Path(sys.argv[1]); ca_bundle(d, d / 'org-tls-cert.pem'); print('OpenSSL' in sys.modules)"
    )

    def run() -> str:
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
        return done.stdout.strip()

    assert run() == "True"  # first: written
    assert run() == "False"  # unchanged: left alone
    shutil.rmtree(ca_certs_dir(tmp_path))
    assert run() == "True"  # the directory gone: written again
    assert len(list(ca_certs_dir(tmp_path).iterdir())) > 100


def test_roots_from_a_ca_directory_in_requests_ca_bundle(tmp_path, monkeypatch):
    """REQUESTS_CA_BUNDLE may name a directory (requests accepts one), such as another local
    stack's ca-certs: its certificates are the public roots, and the org's own trust never is."""
    other, _ = ensure_certificate(tmp_path / "other")
    ca_bundle(other.parent, other)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca_certs_dir(other.parent)))
    cert, _ = ensure_certificate(tmp_path / "mine")
    bundle = ca_bundle(cert.parent, cert)
    blocks = set(pem_certificates(bundle.read_bytes()))
    assert other.read_bytes().strip() in blocks and cert.read_bytes().strip() in blocks
    assert len(blocks) > 100
    # Exported from this stack's own hint: the roots are certifi's, not the org's previous trust.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca_certs_dir(cert.parent)))
    (cert.parent / "org-tls-cert.pem").unlink()
    (cert.parent / "org-tls-key.pem").unlink()
    renewed, _ = ensure_certificate(cert.parent)
    blocks = set(pem_certificates(ca_bundle(cert.parent, renewed).read_bytes()))
    assert renewed.read_bytes().strip() in blocks and other.read_bytes().strip() not in blocks


def test_a_certificate_openssl_cannot_read_is_left_out_of_the_directory(tmp_path, monkeypatch):
    import certifi

    roots = tmp_path / "roots.pem"
    broken = b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----"
    roots.write_bytes(open(certifi.where(), "rb").read() + b"\n" + broken + b"\n")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(roots))
    cert, _ = ensure_certificate(tmp_path / "org")
    ca_bundle(cert.parent, cert)
    written = {path.read_bytes().strip() for path in ca_certs_dir(cert.parent).iterdir()}
    assert cert.read_bytes().strip() in written and broken not in written
    assert len(written) > 100
