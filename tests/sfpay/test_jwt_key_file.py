"""`sfpay local status --json` names the private key of the org's JWT certificate only when a
key beside the certificate is its pair (sfpay/local/stack.py `_jwt_key_file`): a key of another
pair, a file that is no key, or no key at all gives None."""

from __future__ import annotations

from orgsim.server.settings import ServerSettings
from sfpay.local.cumulusci import ensure_jwt_key_pair
from sfpay.local.stack import _jwt_key_file


def test_only_the_certificates_own_key_is_named(tmp_path):
    ours = ensure_jwt_key_pair(tmp_path / "ours")  # as `sfpay local up` makes it: server.key + server.crt
    stranger = ensure_jwt_key_pair(tmp_path / "stranger")
    settings = ServerSettings(jwt_public_key_file=str(ours.cert_path))
    ours_pem = ours.key_path.read_bytes()
    ours.key_path.unlink()
    (ours.cert_path.parent / "a-stranger.key").write_bytes(stranger.key_path.read_bytes())
    (ours.cert_path.parent / "b-broken.key").write_text("not a key")
    assert _jwt_key_file(settings) is None
    (ours.cert_path.parent / "c-ours.key").write_bytes(ours_pem)
    assert _jwt_key_file(settings) == str(ours.cert_path.parent / "c-ours.key")
    assert _jwt_key_file(ServerSettings()) is None
