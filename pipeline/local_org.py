"""Connect the local org (orgsim) to CumulusCI through the JWT bearer flow, as CI connects a
real org.

`sfpay local up` calls `register_local_org(link, project_root)` once the org server is
healthy. Registration runs CumulusCI's own code in a child process: an OrgConfig with the
instance URL and username, `refresh_oauth_token` (with `SFDX_CLIENT_ID` / `SFDX_HUB_KEY` set,
that is CumulusCI's JWT grant, `cumulusci.oauth.salesforce.jwt_session`). The org is not
saved in CumulusCI's keychain (~/.cumulusci/<project name>/, shared by every checkout of a
project name): it is defined in each `cci` child's environment (`CUMULUSCI_ORG_LOCAL`) from
the link kept in the project's own state folder. From then on

    sfpay deploy --org local                         # sets the environment itself
    eval "$(sfpay cci-env)" && cci flow run deploy_sandbox --org local

work with no internet. The link (URLs, client id, key *path*) is kept in the project state
folder so later commands can rebuild the environment; the key itself is never copied.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlparse

LINK_FILE = "cumulusci-org.json"
# The last JWT login check that passed: what it depended on, and what CumulusCI learnt.
LOGIN_CHECK_FILE = "cumulusci-login-check.json"
DEFAULT_ORG_NAME = "local"


class RegistrationError(RuntimeError):
    """CumulusCI could not connect to the local org; the message says why (no secrets)."""


@dataclass
class LocalOrgLink:
    instance_url: str
    username: str
    client_id: str  # the connected app's consumer key the org server trusts
    private_key_path: str  # PEM key matching the certificate the org server was given
    # Trust for the server's self-signed TLS certificate: a CA bundle file or OpenSSL's hashed CA
    # directory (the local stack's; requests takes either as REQUESTS_CA_BUNDLE).
    ca_bundle_path: str | None = None
    org_name: str = DEFAULT_ORG_NAME

    def environment(self) -> dict[str, str]:
        """What a `cci` process needs to use this org: the org itself, defined in the
        environment (CumulusCI reads `CUMULUSCI_ORG_<name>` before its keychain files:
        https://cumulusci.readthedocs.io/en/stable/headless.html), and the JWT settings to
        log in. Nothing is saved in ~/.cumulusci, so each project's `local` org lives in that
        project's own state folder and two projects (or checkouts) never share one."""
        org = {"instance_url": self.instance_url, "username": self.username, "sfpay_emulated": True}
        env = {
            org_env_var(self.org_name): json.dumps(org, sort_keys=True),
            # The user's keychain, with environment orgs first and never saved (pipeline.keychain).
            "CUMULUSCI_KEYCHAIN_CLASS": "pipeline.keychain.EnvironmentOrgsKeychain",
            "SFDX_CLIENT_ID": self.client_id,
            "SFDX_HUB_KEY": Path(self.private_key_path).read_text(encoding="utf-8"),
            # CumulusCI signs the JWT for this audience ("the login URL"); the local org's
            # login URL is its instance URL, as with a My Domain.
            "SF_PROD_LOGIN_URL": self.instance_url,
        }
        if self.ca_bundle_path:
            env["REQUESTS_CA_BUNDLE"] = self.ca_bundle_path
        return env


def org_env_var(org_name: str) -> str:
    return "CUMULUSCI_ORG_" + org_name.upper()


def link_path(state_dir: Path) -> Path:
    return state_dir / "local" / LINK_FILE


def save_link(link: LocalOrgLink, state_dir: Path) -> Path:
    path = link_path(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(link), indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return path


def load_link(state_dir: Path, org_name: str | None = None) -> LocalOrgLink | None:
    path = link_path(state_dir)
    if not path.exists():
        return None
    link = LocalOrgLink(**json.loads(path.read_text(encoding="utf-8")))
    if org_name is not None and link.org_name != org_name:
        return None
    return link


def cci_environment(project_root: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a `cci` child process run on this project.

    CUMULUSCI_REPO_ROOT tells CumulusCI where the project is, so it works from a git
    worktree or an unpacked archive too (it otherwise insists on a `.git` directory).
    """
    env = dict(os.environ if base is None else base)
    env["CUMULUSCI_AUTO_DETECT"] = "1"
    # Orgs defined in the environment win and are never saved (pipeline.keychain), unless
    # the user chose a keychain class of their own.
    env.setdefault("CUMULUSCI_KEYCHAIN_CLASS", "pipeline.keychain.EnvironmentOrgsKeychain")
    # CumulusCI logs through rich, which wraps at 80 columns when not on a terminal; a wide
    # line keeps one log record per line for the progress parser and the log file.
    env["COLUMNS"] = "200"
    env["CUMULUSCI_REPO_ROOT"] = str(project_root.resolve())
    # The `class_path` tasks are sfpay's own: the child imports them from where this sfpay
    # runs (never from the project folder, whose own folders could shadow them).
    code_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (code_root, env.get("PYTHONPATH", "")) if p)
    return env


def register_local_org(
    link: LocalOrgLink,
    project_root: Path,
    state_dir: Path | None = None,
    base_env: dict[str, str] | None = None,
    timeout: float = 120,
    server_identity: str | None = None,
) -> dict:
    """Register (or re-register, e.g. after the server moved port) the local org with
    CumulusCI: check that CumulusCI logs in by JWT, then keep the link in the project's state
    folder (the org is defined from it in each `cci` environment, never saved in the keychain).
    Returns what CumulusCI learnt about the org (org id, username, instance URL).

    `server_identity` names the running org server process (`sfpay local up`: its pid and
    start time). The server's answer to a JWT grant is fixed for the life of its process: it
    reads the connected app's certificate, client id, username and audiences once, at start
    (orgsim.server.serve, orgsim.server.oauth.TokenEndpoint). So a check that passed against
    the same server process, for the same link, private key and project, is not run again
    (a CumulusCI child costs about 1.5 s of CPU on every reused `sfpay local up`). Without
    an identity every registration is checked."""
    if not (project_root / "cumulusci.yml").is_file():
        raise RegistrationError(f"{project_root} has no cumulusci.yml: register the local org from the sfpay project.")
    if state_dir is not None:
        save_link(link, state_dir)
    check = _login_check_key(link, project_root, server_identity)
    if check is not None and state_dir is not None:
        passed = _passed_login_check(state_dir, check)
        if passed is not None:
            return passed
    if state_dir is not None:
        _forget_login_check(state_dir)
    env = cci_environment(project_root, base_env)
    env.update(link.environment())
    env.pop(org_env_var(link.org_name))  # the child defines the org itself, to test the login
    command = [
        sys.executable,
        "-m",
        "pipeline.cci_org",
        "register",
        "--name",
        link.org_name,
        "--instance-url",
        link.instance_url,
        "--username",
        link.username,
    ]
    result = subprocess.run(command, cwd=project_root, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise RegistrationError(
            "CumulusCI could not connect to the local org: " + (detail[-1] if detail else f"exit {result.returncode}")
        )
    info: dict = json.loads(result.stdout.strip().splitlines()[-1])
    if check is not None and state_dir is not None:
        _save_login_check(state_dir, check, info)
    return info


def _login_check_key(link: LocalOrgLink, project_root: Path, server_identity: str | None) -> dict | None:
    """Everything a JWT login check's outcome depends on; None when it cannot be known (no
    server identity, or the key file cannot be read: then the check runs and says why)."""
    if server_identity is None:
        return None
    try:
        key_digest = hashlib.sha256(Path(link.private_key_path).read_bytes()).hexdigest()
    except OSError:
        return None
    return {
        "link": asdict(link),
        "private_key_sha256": key_digest,  # a digest only: the key itself is never copied
        "project_root": str(project_root.resolve()),
        "server": server_identity,
    }


def _login_check_path(state_dir: Path) -> Path:
    return state_dir / "local" / LOGIN_CHECK_FILE


def _passed_login_check(state_dir: Path, check: dict) -> dict | None:
    try:
        saved = json.loads(_login_check_path(state_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("check") != check or not isinstance(saved.get("info"), dict):
        return None
    return saved["info"]


def _save_login_check(state_dir: Path, check: dict, info: dict) -> None:
    path = _login_check_path(state_dir)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"check": check, "info": info}, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _forget_login_check(state_dir: Path) -> None:
    _login_check_path(state_dir).unlink(missing_ok=True)


def unregister_local_org(
    project_root: Path, state_dir: Path, base_env: dict[str, str] | None = None, timeout: float = 60
) -> bool:
    """Forget the local org (`sfpay local down`): the link file, and a keychain entry an
    older sfpay saved. Returns False if none was registered."""
    link = load_link(state_dir)
    if link is None:
        return False
    link_path(state_dir).unlink()
    _forget_login_check(state_dir)
    env = cci_environment(project_root, base_env)
    if (project_root / "cumulusci.yml").is_file() and _may_have_legacy_entry(project_root, link, env):
        command = [sys.executable, "-m", "pipeline.cci_org", "remove", "--name", link.org_name]
        subprocess.run(
            command,
            cwd=project_root,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    return True


def _may_have_legacy_entry(project_root: Path, link: LocalOrgLink, env: dict[str, str]) -> bool:
    """Whether CumulusCI could find something of this org to remove, decided without starting
    it (a child costs about a second of CPU). Its file keychain keeps a project org in
    ~/.cumulusci/<project name>/<org name>.org, and the org's cached describes in the project's
    .cci/orginfo/<host>__<username with @ as __>/ (cumulusci.core.config: project_local_dir,
    OrgConfig.get_orginfo_cache_dir). When the project name cannot be read here, assume there
    may be an entry and let CumulusCI look."""
    import yaml  # CumulusCI's own dependency; only read when a link is being forgotten

    try:
        config = yaml.safe_load((project_root / "cumulusci.yml").read_text(encoding="utf-8"))
        name = config["project"]["name"]
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return True
    if not isinstance(name, str) or not name:
        return True
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    if (home / ".cumulusci" / name / f"{link.org_name}.org").exists():
        return True
    host = urlparse(link.instance_url).hostname or ""
    cache = project_root / ".cci" / "orginfo" / (host + "__" + link.username.replace("@", "__"))
    return cache.exists()
