"""The deploy pipeline end to end: real CumulusCI (`sfpay deploy` runs `cci flow run`) against
the real local org server over HTTPS, logged in by the JWT bearer flow. Nothing is mocked."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from pipeline.source_inventory import inventory


def _expected(project):
    return inventory(project / "force-app")


def _assert_deployed(local_org, project):
    expected = _expected(project)
    versions = local_org.flow_versions(expected.flow_names)
    assert sorted(versions) == expected.flow_names
    for name in expected.active_flow_names:
        active, latest = versions[name]
        assert active is not None and active == latest, f"{name}: active {active}, latest {latest}"
    assert set(expected.fields["Opportunity"]) <= local_org.opportunity_fields()
    return versions


def test_check_only_changes_nothing(local_org, project, cci_env, sfpay):
    before_fields = local_org.opportunity_fields()
    result = sfpay(project, cci_env, "deploy", "--org", "local", "--check-only")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validated (check only, nothing changed)" in result.stdout
    assert local_org.flow_versions(_expected(project).flow_names) == {}
    assert local_org.opportunity_fields() == before_fields


def test_deploy_sandbox_activates_the_flows_and_rerunning_is_harmless(local_org, project, cci_env, sfpay):
    local_org.xfail_unless_permission_sets()
    result = sfpay(project, cci_env, "deploy", "--org", "local")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Deployed" in result.stdout
    _assert_deployed(local_org, project)
    permission_set = _expected(project).permission_sets[0]
    assignments = local_org.query(
        "SELECT Id, PermissionSetId FROM PermissionSetAssignment "
        f"WHERE PermissionSet.Name = '{permission_set}' AND Assignee.Username = '{local_org.username}'"
    )
    assert len(assignments) == 1

    again = sfpay(project, cci_env, "deploy", "--org", "local")
    assert again.returncode == 0, again.stdout + again.stderr
    _assert_deployed(local_org, project)
    assert (
        len(
            local_org.query(
                "SELECT Id, PermissionSetId FROM PermissionSetAssignment "
                f"WHERE PermissionSet.Name = '{permission_set}' AND Assignee.Username = '{local_org.username}'"
            )
        )
        == 1
    )
    # The log is kept, and holds no session id.
    log = (project.parent / "state" / "deploy" / "local-deploy_sandbox.log").read_text()
    assert "Running task: smoke_check" in log and "Smoke check passed" in log
    assert not re.search(r"00D[A-Za-z0-9]{12,15}!", log)


@pytest.mark.parametrize("rest_deploy", ["True", "False"], ids=["rest-metadata-api", "soap-metadata-api"])
def test_broken_source_fails_with_component_errors_and_changes_nothing(local_org, project, cci_env, cci, rest_deploy):
    env = local_org.environment(cci_env)
    good = cci(project, env, "task", "run", "deploy_source", "--org", "local", "-o", "rest_deploy", rest_deploy)
    assert good.returncode == 0, good.stdout + good.stderr
    before = _assert_deployed(local_org, project)
    fields_before = local_org.opportunity_fields()

    broken = project / "broken-app"
    shutil.copytree(project / "force-app", broken)
    flow = broken / "main/default/flows/Stripe_Payment_Reminder.flow-meta.xml"
    text = flow.read_text()
    target = re.search(r"<targetReference>([^<]+)</targetReference>", text).group(1)
    text = text.replace(
        f"<targetReference>{target}</targetReference>", "<targetReference>No_Such_Element</targetReference>", 1
    )
    flow.write_text(text)
    broken_line = next(i for i, line in enumerate(text.splitlines(), 1) if "No_Such_Element" in line)
    report = project.parent / "report.json"

    result = cci(
        project,
        env,
        "task",
        "run",
        "deploy_source",
        "--org",
        "local",
        "-o",
        "rest_deploy",
        rest_deploy,
        "-o",
        "path",
        "broken-app",
        "-o",
        "failure_report",
        str(report),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Nothing was changed in the org" in output
    failures = json.loads(report.read_text())["component_failures"]
    assert failures, output
    located = [
        f for f in failures if f["source"] == "broken-app/main/default/flows/Stripe_Payment_Reminder.flow-meta.xml"
    ]
    assert located, failures
    assert any("No_Such_Element" in f["problem"] for f in located)
    assert any(f["source_line"] == broken_line for f in located), (broken_line, located)
    assert f"broken-app/main/default/flows/Stripe_Payment_Reminder.flow-meta.xml:{broken_line}" in output
    # All or nothing: the org still runs exactly what it ran before.
    assert _assert_deployed(local_org, project) == before
    assert local_org.opportunity_fields() == fields_before


def test_validate_production_runs_local_tests_and_changes_nothing(local_org, project, cci_env, sfpay):
    check = sfpay(project, cci_env, "deploy", "--org", "local", "--production", "--check-only")
    assert check.returncode == 0, check.stdout + check.stderr
    assert local_org.flow_versions(_expected(project).flow_names) == {}
    log = (project.parent / "state" / "deploy" / "local-validate_production.log").read_text()
    assert "Validating (check only)" in log and "flows as Draft" in log


def test_production_sequence_deploys_inactive_then_activates_and_redeploying_is_harmless(
    local_org, project, cci_env, sfpay, cci
):
    """deploy_production deploys the flows as Draft, then activates them. Then the deploy and
    activation steps of both sequences run again on that org (the production deploy is their
    first pass; the permission-set steps are covered by the deploy_sandbox test): nothing
    changes but the flow versions CumulusCI deploys anew."""
    local_org.xfail_unless_permission_sets()
    result = sfpay(project, cci_env, "deploy", "--org", "local", "--production")
    assert result.returncode == 0, result.stdout + result.stderr
    versions_1 = _assert_deployed(local_org, project)
    fields_1 = local_org.opportunity_fields()
    log = (project.parent / "state" / "deploy" / "local-deploy_production.log").read_text()
    assert "flows as Draft" in log
    assert log.index("Running task: deploy_source") < log.index("Running task: activate_flows")

    env = local_org.environment(cci_env)
    names = ",".join(_expected(project).active_flow_names)
    for args in (
        ("deploy_source", "-o", "flow_status", "Draft"),
        ("activate_flow", "-o", "developer_names", names),
    ):
        again = cci(project, env, "task", "run", args[0], "--org", "local", *args[1:])
        assert again.returncode == 0, again.stdout + again.stderr
    versions_2 = _assert_deployed(local_org, project)
    assert local_org.opportunity_fields() == fields_1
    assert sorted(versions_2) == sorted(versions_1)


def test_a_stopped_local_org_gets_a_hint_not_a_traceback(local_org, project, cci_env, sfpay):
    local_org.server.stop()
    result = sfpay(project, cci_env, "deploy", "--org", "local", "--check-only")
    assert result.returncode == 1
    assert "The local org does not answer: check `sfpay local status`" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("production", [False, True], ids=["deploy_sandbox", "deploy_production"])
def test_a_spec_with_draft_flows_deploys_and_activates_none(local_org, project, cci_env, sfpay, production):
    """flows.status: Draft (the EU example): nothing to activate is not an error; the flows
    stay Draft in the org and the smoke check expects exactly that."""
    local_org.xfail_unless_permission_sets()
    spec = "specs/examples/eu-three-types.yml"
    generated = sfpay(project, cci_env, "generate", "--spec", spec)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    expected = _expected(project)
    assert expected.flow_names and expected.active_flow_names == []
    result = sfpay(
        project, cci_env, "deploy", "--org", "local", "--spec", spec, *(["--production"] if production else [])
    )
    assert result.returncode == 0, result.stdout + result.stderr
    versions = local_org.flow_versions(expected.flow_names)
    assert sorted(versions) == expected.flow_names
    assert all(active is None for active, _latest in versions.values()), versions
    flow = "deploy_production" if production else "deploy_sandbox"
    log = (project.parent / "state" / "deploy" / f"local-{flow}.log").read_text()
    assert "no flow is marked Active" in log
