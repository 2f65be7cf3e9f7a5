"""The CI templates users copy: valid YAML, the documented triggers, every secret documented."""

import re
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def _load(name):
    return YAML(typ="safe").load((WORKFLOWS / name).read_text())


def test_triggers():
    assert set(_load("validate.yml")["on"]) >= {"pull_request"}
    assert _load("deploy-sandbox.yml")["on"]["push"]["branches"] == ["main"]
    assert set(_load("deploy-production.yml")["on"]) == {"workflow_dispatch"}


def test_every_secret_is_documented():
    docs = (ROOT / "docs" / "deploy.md").read_text()
    for path in WORKFLOWS.glob("*.yml"):
        for secret in set(re.findall(r"secrets\.([A-Z_]+)", path.read_text())):
            assert f"`{secret}`" in docs or secret in docs, f"{path.name}: secret {secret} not in docs/deploy.md"


def test_production_validates_before_deploying():
    steps = _load("deploy-production.yml")["jobs"]["production"]["steps"]
    runs = [s.get("run", "") for s in steps]
    check = runs.index("sfpay deploy --org production --production --check-only")
    deploy = runs.index("sfpay deploy --org production --production")
    assert check < deploy
    assert _load("deploy-production.yml")["jobs"]["production"]["environment"] == "production"


def test_keys_stay_in_the_environment():
    for path in WORKFLOWS.glob("*.yml"):
        text = path.read_text()
        # Orgs from the environment are never saved (CumulusCI's own EnvironmentProjectKeychain
        # name fails to import in CumulusCI 4: "Empty module name").
        assert "pipeline.keychain.EnvironmentOrgsKeychain" in text or "secrets." not in text
        assert "echo ${{ secrets" not in text
