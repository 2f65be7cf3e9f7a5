"""A small SFDX tree with every shape the converter handles (hand-written, not generator
output, so the converter is not tuned to our own templates)."""

from __future__ import annotations

from pathlib import Path

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"'

FILES = {
    "main/default/flows/Invoice_On_Create.flow-meta.xml": f"""{HEADER}<Flow {NS}>
    <apiVersion>66.0</apiVersion>
    <label>Invoice On Create</label>
    <processType>AutoLaunchedFlow</processType>
    <start>
        <locationX>50</locationX>
        <locationY>0</locationY>
        <object>Opportunity</object>
        <recordTriggerType>Create</recordTriggerType>
        <triggerType>RecordAfterSave</triggerType>
    </start>
    <status>Active</status>
</Flow>
""",
    "main/default/flows/Reminder.flow-meta.xml": f"""{HEADER}<Flow {NS}>
    <apiVersion>66.0</apiVersion>
    <label>Reminder</label>
    <processType>AutoLaunchedFlow</processType>
    <status>Draft</status>
</Flow>
""",
    "main/default/objects/Opportunity/fields/Stripe_Invoice_ID__c.field-meta.xml": f"""{HEADER}<CustomField {NS}>
    <fullName>Stripe_Invoice_ID__c</fullName>
    <externalId>true</externalId>
    <label>Stripe Invoice ID</label>
    <length>255</length>
    <type>Text</type>
    <unique>true</unique>
</CustomField>
""",
    "main/default/objects/Opportunity/fields/Stripe_Invoice_URL__c.field-meta.xml": f"""{HEADER}<CustomField {NS}>
    <fullName>Stripe_Invoice_URL__c</fullName>
    <label>Stripe Invoice URL</label>
    <type>Url</type>
</CustomField>
""",
    "main/default/objects/Opportunity/recordTypes/Nonprofit.recordType-meta.xml": f"""{HEADER}<RecordType {NS}>
    <fullName>Nonprofit</fullName>
    <active>true</active>
    <businessProcess>Donation</businessProcess>
    <label>Nonprofit</label>
</RecordType>
""",
    "main/default/objects/Opportunity/businessProcesses/Donation.businessProcess-meta.xml": f"""{HEADER}<BusinessProcess {NS}>
    <fullName>Donation</fullName>
    <isActive>true</isActive>
    <values>
        <fullName>Closed Won</fullName>
        <default>false</default>
    </values>
</BusinessProcess>
""",
    "main/default/workflows/Opportunity.workflow-meta.xml": f"""{HEADER}<Workflow {NS}>
    <alerts>
        <fullName>Payment_Reminder</fullName>
        <description>Reminder</description>
        <protected>false</protected>
        <recipients>
            <type>owner</type>
        </recipients>
        <senderType>CurrentUser</senderType>
        <template>Stripe_Invoicing/Payment_Reminder</template>
    </alerts>
</Workflow>
""",
    "main/default/email/Stripe_Invoicing.emailFolder-meta.xml": f"""{HEADER}<EmailFolder {NS}>
    <accessType>Public</accessType>
    <name>Stripe Invoicing</name>
    <publicFolderAccess>ReadWrite</publicFolderAccess>
</EmailFolder>
""",
    "main/default/email/Stripe_Invoicing/Payment_Reminder.email": "Dear {!Opportunity.Account}, please pay.\n",
    "main/default/email/Stripe_Invoicing/Payment_Reminder.email-meta.xml": f"""{HEADER}<EmailTemplate {NS}>
    <available>true</available>
    <encodingKey>UTF-8</encodingKey>
    <name>Payment Reminder</name>
    <style>none</style>
    <subject>Your invoice is waiting</subject>
    <type>text</type>
    <uiType>Aloha</uiType>
</EmailTemplate>
""",
    "main/default/permissionsets/Stripe_Invoicing_Fields.permissionset-meta.xml": f"""{HEADER}<PermissionSet {NS}>
    <fieldPermissions>
        <editable>true</editable>
        <field>Opportunity.Stripe_Invoice_ID__c</field>
        <readable>true</readable>
    </fieldPermissions>
    <label>Stripe Invoicing Fields</label>
</PermissionSet>
""",
}


def write_sample(root: Path, files: dict[str, str] | None = None) -> Path:
    for relative, text in (files or FILES).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


import pytest  # noqa: E402


@pytest.fixture
def sample_files() -> dict[str, str]:
    return dict(FILES)


@pytest.fixture
def source(tmp_path) -> Path:
    return write_sample(tmp_path / "force-app")


# --- a throw-away copy of the project, and CumulusCI run on it as a user would -------------

import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CODE = ("sfpay", "generator", "validator", "pipeline", "orgsim", "stripesim", "harness", "templates", "vendor")
COPIED = ("cumulusci.yml", "sfdx-project.json", "force-app", "specs")


@pytest.fixture
def project(tmp_path) -> Path:
    """The project in a temp folder: code linked (read-only use), source and config copied
    (tests change them). Not a git checkout: CumulusCI finds it by CUMULUSCI_REPO_ROOT, as
    `sfpay deploy` arranges."""
    root = tmp_path / "project"
    root.mkdir()
    for name in CODE:
        if (REPO / name).exists():
            (root / name).symlink_to(REPO / name)
    for name in COPIED:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
        elif (REPO / name).exists():
            shutil.copy2(REPO / name, root / name)
    return root


@pytest.fixture
def cci_env(tmp_path, project) -> dict[str, str]:
    """CumulusCI state in a temp HOME with an encrypted keychain; never the user's ~/.cumulusci.

    `cci` asks pypi.org for a newer CumulusCI at most once an hour, remembered in
    ~/.cumulusci/cumulus_timestamp (`cumulusci.cli.utils.check_latest_version`): in a fresh HOME
    every `cci` run would go out to the internet. The file says it just asked."""
    home = tmp_path / "home"
    (home / ".cumulusci").mkdir(parents=True)
    (home / ".cumulusci" / "cumulus_timestamp").write_text(str(time.time()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUMULUSCI_", "SFDX_", "SF_"))}
    env.update(
        {
            "HOME": str(home),
            "CUMULUSCI_KEY": os.urandom(8).hex(),
            "SFPAY_STATE_DIR": str(tmp_path / "state"),
            "CUMULUSCI_AUTO_DETECT": "1",
            "CUMULUSCI_REPO_ROOT": str(project),
            "PYTHONPATH": str(project),
            "COLUMNS": "200",
        }
    )
    return env


def run_cci(project: Path, env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cumulusci", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_sfpay(project: Path, env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sfpay", *args], cwd=project, env=env, capture_output=True, text=True, timeout=timeout
    )


def python_children_marker(tmp_path: Path, env: dict[str, str]) -> tuple[dict[str, str], Path]:
    """An environment whose Python processes each append their argv to a marker file (through
    a sitecustomize on PYTHONPATH), so a test sees which children ran without timing them."""
    hook = tmp_path / "hook"
    hook.mkdir()
    marker = tmp_path / "python-children.txt"
    (hook / "sitecustomize.py").write_text(
        f"import sys\nwith open({str(marker)!r}, 'a') as f:\n    f.write(' '.join(sys.argv) + '\\n')\n"
    )
    return {**env, "PYTHONPATH": str(hook)}, marker


@pytest.fixture
def cci():
    return run_cci


@pytest.fixture
def sfpay():
    return run_sfpay


# --- the local org server (orgsim), connected to CumulusCI by JWT -------------------------

from dataclasses import dataclass  # noqa: E402


@dataclass
class LocalOrg:
    instance_url: str
    username: str
    password: str
    ca_bundle: Path
    org: object
    link: object  # pipeline.local_org.LocalOrgLink
    server: object  # the running org server (stop() ends it)

    def environment(self, base: dict[str, str]) -> dict[str, str]:
        """`base` plus what a plain `cci` needs for this org (what `sfpay cci-env` prints)."""
        return {**base, **self.link.environment()}

    def session(self):
        """A plain REST session (username-password login) to read the org's state."""
        import requests

        http = requests.Session()
        # Not `http.verify`: requests lets a REQUESTS_CA_BUNDLE in the environment override it.
        http.trust_env = False
        http.verify = str(self.ca_bundle)
        token = http.post(
            f"{self.instance_url}/services/oauth2/token",
            data={"grant_type": "password", "username": self.username, "password": self.password},
        )
        token.raise_for_status()
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        return http

    def tooling_query(self, soql: str) -> list[dict]:
        response = self.session().get(f"{self.instance_url}/services/data/v66.0/tooling/query/", params={"q": soql})
        response.raise_for_status()
        return response.json()["records"]

    def query(self, soql: str) -> list[dict]:
        response = self.session().get(f"{self.instance_url}/services/data/v66.0/query/", params={"q": soql})
        response.raise_for_status()
        return response.json()["records"]

    def flow_versions(self, names) -> dict[str, tuple]:
        quoted = ",".join(f"'{n}'" for n in names)
        records = self.tooling_query(
            "SELECT Id, ActiveVersion.VersionNumber, LatestVersion.VersionNumber, DeveloperName "
            f"FROM FlowDefinition WHERE DeveloperName IN ({quoted})"
        )
        return {
            r["DeveloperName"]: (
                (r.get("ActiveVersion") or {}).get("VersionNumber"),
                (r.get("LatestVersion") or {}).get("VersionNumber"),
            )
            for r in records
        }

    def xfail_unless_permission_sets(self) -> None:
        """assign_permission_sets and the smoke check need PermissionSet, PermissionSetAssignment
        and the User sub-query CumulusCI runs; until the org server answers them, the tests that
        go through those steps are expected failures, with the server's own answer as reason."""
        import requests

        for soql in (
            "SELECT Id, Name FROM PermissionSet WHERE Name IN ('Stripe_Invoicing_Fields')",
            "SELECT Id,(SELECT PermissionSetId FROM PermissionSetAssignments) FROM User "
            f"WHERE Username = '{self.username}'",
        ):
            try:
                self.query(soql)
            except requests.HTTPError as exc:
                pytest.xfail(f"the org server cannot answer CumulusCI's query {soql!r} yet: {exc.response.text[:300]}")

    def opportunity_fields(self) -> set[str]:
        response = self.session().get(f"{self.instance_url}/services/data/v66.0/sobjects/Opportunity/describe")
        response.raise_for_status()
        return {f["name"] for f in response.json()["fields"]}


@pytest.fixture
def local_org(tmp_path, project, cci_env):
    """A fresh orgsim org served over HTTPS on a free port, linked to the project as `sfpay
    local up` links it (`pipeline.local_org.save_link`: the link file every `cci` environment
    is built from). Not through `register_local_org`: its JWT-login check runs CumulusCI in a
    child process (seconds of start-up), and every test here logs in by JWT through CumulusCI
    anyway, in its own `cci` or `sfpay deploy` run; the hook itself, check included, is
    tested once, by tests/pipeline/test_local_up.py."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from orgsim import Org
    from orgsim.server.app import create_app
    from orgsim.server.config import ServerConfig
    from orgsim.server.running import start_in_thread
    from orgsim.server.tls import ca_bundle, ca_certs_dir, ensure_certificate
    from pipeline.local_org import LocalOrgLink, save_link
    from sfpay.local.deploy_checks import validator_check
    from sfpay.serving import free_port

    DEPLOY_CHECKS = (validator_check,)  # as `sfpay org serve` assembles the server

    keys = tmp_path / "keys"
    keys.mkdir()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (keys / "jwt.key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    cert, tls_key = ensure_certificate(keys / "tls")
    ca_bundle(keys / "tls", cert)
    bundle = ca_certs_dir(keys / "tls")  # as the stack links it: the hashed CA directory
    port = free_port()
    config = ServerConfig(instance_url=f"https://127.0.0.1:{port}", jwt_public_key_pem=public)
    org = Org.open(tmp_path / "org.db")
    server = start_in_thread(create_app(org, config, deploy_checks=DEPLOY_CHECKS), port, cert, tls_key)
    try:
        link = LocalOrgLink(
            instance_url=config.instance_url,
            username=config.username,
            client_id=config.client_id,
            private_key_path=str(keys / "jwt.key"),
            ca_bundle_path=str(bundle),
        )
        save_link(link, Path(cci_env["SFPAY_STATE_DIR"]))
        yield LocalOrg(config.instance_url, config.username, config.password, bundle, org, link, server)
    finally:
        server.stop()
