"""`sfpay local down` forgets the local org: the link in the project's state folder, and a
keychain entry an older sfpay saved in CumulusCI's keychain (~/.cumulusci/<project name>/local.org).
CumulusCI is started (a child process, about a second of CPU) only when there is such an entry
to remove."""

import subprocess
import sys
from pathlib import Path

from pipeline.local_org import LocalOrgLink, load_link, save_link, unregister_local_org
from tests.pipeline.conftest import python_children_marker

# Saves the org `local` the way sfpay before issue 13 did: CumulusCI's own encrypted file
# keychain, in the project's folder of it.
SAVE_LEGACY_ORG = """
from cumulusci.cli.runtime import CliRuntime
from cumulusci.core.config import OrgConfig
keychain = CliRuntime(load_keychain=True).keychain
config = {"instance_url": "https://localhost:8443", "username": "admin@orgsim.local"}
keychain.set_org(OrgConfig(config, "local", keychain=keychain, global_org=False), global_org=False)
"""


def _link(tmp_path: Path) -> LocalOrgLink:
    return LocalOrgLink(
        instance_url="https://localhost:8443",
        username="admin@orgsim.local",
        client_id="sfpay-local",
        private_key_path=str(tmp_path / "unused.pem"),
    )


def _legacy_org_files(env: dict[str, str]) -> list[Path]:
    return sorted((Path(env["HOME"]) / ".cumulusci").rglob("local.org"))


def test_down_without_a_legacy_keychain_entry_starts_no_cumulusci(tmp_path, project, cci_env):
    state = tmp_path / "state"
    save_link(_link(tmp_path), state)
    env, marker = python_children_marker(tmp_path, cci_env)

    assert unregister_local_org(project, state, base_env=env) is True

    assert load_link(state) is None
    assert not marker.exists(), f"a child process ran: {marker.read_text()}"


def test_down_removes_the_keychain_entry_an_older_sfpay_saved(tmp_path, project, cci_env):
    legacy_env = {k: v for k, v in cci_env.items() if k != "CUMULUSCI_KEYCHAIN_CLASS"}
    saved = subprocess.run(
        [sys.executable, "-c", SAVE_LEGACY_ORG], cwd=project, env=legacy_env, capture_output=True, text=True
    )
    assert saved.returncode == 0, saved.stderr
    assert len(_legacy_org_files(cci_env)) == 1
    state = tmp_path / "state"
    save_link(_link(tmp_path), state)
    env, marker = python_children_marker(tmp_path, cci_env)

    assert unregister_local_org(project, state, base_env=env) is True

    assert load_link(state) is None
    assert _legacy_org_files(cci_env) == []
    assert "remove --name local" in marker.read_text()  # the CumulusCI child removed it


def test_down_removes_the_local_orgs_cached_describes(tmp_path, project, cci_env):
    # CumulusCI caches an org's describes under the project's .cci/orginfo/<host>__<user>/;
    # the next local org has the same host and username, so a stale cache must not survive.
    cache = project / ".cci" / "orginfo" / "localhost__admin__orgsim.local"
    (cache / "cumulusci.salesforce_api.org_schema").mkdir(parents=True)
    state = tmp_path / "state"
    save_link(_link(tmp_path), state)

    assert unregister_local_org(project, state, base_env=cci_env) is True

    assert not cache.exists()
