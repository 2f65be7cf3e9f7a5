"""The harness's own webhook deliveries read the CA bundle once, not once per delivery."""

from __future__ import annotations

import os

import certifi

from sfpay.trust import verify_context as _tls_context


def test_one_tls_context_per_bundle_version(tmp_path):
    bundle = tmp_path / "ca-bundle.pem"
    bundle.write_bytes(open(certifi.where(), "rb").read())
    first = _tls_context(str(bundle))
    assert _tls_context(str(bundle)) is first
    assert first.cert_store_stats()["x509_ca"] > 100
    stat = bundle.stat()
    os.utime(bundle, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # rewritten, e.g. by a restarted stack
    assert _tls_context(str(bundle)) is not first
