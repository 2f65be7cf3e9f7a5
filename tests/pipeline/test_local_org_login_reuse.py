"""A reused `sfpay local up` does not run CumulusCI's JWT login check again when nothing it
depends on changed (issue 17: the check is a CumulusCI child process, about 1.5 s of CPU, on
every `sfpay verify --target local`). The org server's answer to a JWT grant is fixed for the
life of its process (certificate, client id, username and audiences are read at start), so a
check that passed against the same server process, with the same link and the same private
key, passes again. Anything else - another server process, a changed link, another key -
runs the check, and a link that no longer works is reported."""

import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pipeline.local_org import RegistrationError, register_local_org
from tests.pipeline.conftest import python_children_marker


def _register(local_org, project, state: Path, env: dict[str, str], server: str, **changes) -> tuple[dict, str]:
    """Register and return (what CumulusCI learnt, the Python children that ran)."""
    marked_env, marker = python_children_marker(Path(tempfile.mkdtemp(dir=state.parent)), env)
    info = register_local_org(
        replace(local_org.link, **changes), project, state_dir=state, base_env=marked_env, server_identity=server
    )
    return info, marker.read_text() if marker.exists() else ""


def _new_key(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def test_only_a_changed_server_link_or_key_is_checked_again(tmp_path, local_org, project, cci_env):
    """Each CumulusCI check costs about 1.5 s of CPU: five here, the fewest that show each case."""
    state = tmp_path / "login-state"
    first, children = _register(local_org, project, state, cci_env, "server-1")
    assert "-m register --name local" in children  # the first registration runs CumulusCI's login
    assert first["instance_url"] == local_org.instance_url and first["org_id"]

    again, children = _register(local_org, project, state, cci_env, "server-1")
    assert children == "", f"CumulusCI ran again for an unchanged link: {children}"
    assert again == first

    # Another server process (a restarted stack): checked again.
    moved, children = _register(local_org, project, state, cci_env, "server-2")
    assert "-m register --name local" in children and moved == first

    # A changed link (another username) on the same server: checked, and the server refuses it.
    with pytest.raises(RegistrationError, match="CumulusCI could not connect"):
        _register(local_org, project, state, cci_env, "server-2", username="someone@else.example")

    # Back to the link that works: checked (the failure forgot the passed check), passes.
    _, children = _register(local_org, project, state, cci_env, "server-2")
    assert "-m register --name local" in children

    # Now only the key file changes (same path, same link, same server): checked, and refused.
    _new_key(Path(local_org.link.private_key_path))
    with pytest.raises(RegistrationError, match="CumulusCI could not connect"):
        _register(local_org, project, state, cci_env, "server-2")
