"""`sfpay local up` + CumulusCI: the real background stack (stripesim + org server processes),
registered by JWT through sfpay.local.cumulusci, then used by `sfpay deploy` and by a plain
`cci` with the environment `sfpay cci-env` prints."""

import os
import shlex

from tests.pipeline.conftest import python_children_marker


def _exports(text: str) -> dict[str, str]:
    """Read `export NAME=value` lines the way a shell would (values may span lines)."""
    words = shlex.split(text)
    assert words[::2] == ["export"] * (len(words) // 2)
    return dict(word.split("=", 1) for word in words[1::2])


def test_local_up_connects_cumulusci_by_jwt(tmp_path, project, cci_env, monkeypatch, sfpay, cci):
    for name, value in cci_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(project)
    from sfpay.local import stack
    from sfpay.local.cumulusci import forget_cumulusci_org, up_with_cumulusci

    try:
        result = up_with_cumulusci(stack.spec_info(None), project_root=project)
        assert result.warning is None
        assert result.registered["username"] == "admin@orgsim.local"
        assert result.registered["instance_url"] == result.state.instance_url

        # `sfpay local up` again (every `sfpay verify --target local` does): the same stack,
        # and its CumulusCI login, already checked, is not checked again (no child process).
        with monkeypatch.context() as marked:
            env, marker = python_children_marker(tmp_path, dict(os.environ))
            marked.setenv("PYTHONPATH", env["PYTHONPATH"])
            again = up_with_cumulusci(stack.spec_info(None), project_root=project)
        assert again.warning is None and again.registered == result.registered
        assert again.state.org_pid == result.state.org_pid
        assert not marker.exists(), f"a reused stack ran: {marker.read_text()}"

        check = sfpay(project, cci_env, "deploy", "--org", "local", "--check-only")
        assert check.returncode == 0, check.stdout + check.stderr

        exported = sfpay(project, cci_env, "cci-env")
        assert exported.returncode == 0, exported.stderr
        env = {**cci_env, **_exports(exported.stdout)}
        info = cci(project, env, "org", "info", "local")
        assert info.returncode == 0, info.stdout + info.stderr
        assert result.state.instance_url in info.stdout
        assert env["SFDX_HUB_KEY"].startswith("-----BEGIN PRIVATE KEY-----")
        # Issue 13: the local org is this project's alone. CumulusCI's keychain is keyed by the
        # project *name* (~/.cumulusci/<name>/), shared by every checkout and by two clients of
        # one name, so nothing of the local org may be saved there.
        from pathlib import Path

        saved = list((Path(cci_env["HOME"]) / ".cumulusci").rglob("local.org"))
        assert saved == [], f"the local org was saved in the shared keychain: {saved}"

        assert forget_cumulusci_org(project) is True
        gone = sfpay(project, cci_env, "cci-env")
        assert gone.returncode == 1 and "sfpay local up" in gone.stderr
    finally:
        stack.down()
