"""The pipeline's own CumulusCI tasks that need no org, run by the real `cci` on a copy of
the project."""

from pathlib import Path


def test_check_generated_passes_on_the_committed_tree(project, cci_env, cci):
    result = cci(project, cci_env, "task", "run", "check_generated")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "force-app matches specs/ct-nonprofit.yml: 4 flows, 1 permission set(s)." in result.stdout


def test_check_generated_names_the_hand_edited_file(project, cci_env, cci):
    flow = next((project / "force-app/main/default/flows").glob("*.flow-meta.xml"))
    flow.write_text(flow.read_text().replace("<status>Active</status>", "<status>Draft</status>"))
    result = cci(project, cci_env, "task", "run", "check_generated")
    assert result.returncode == 1
    assert flow.name in result.stdout + result.stderr
    assert "force-app is not what the spec renders" in result.stdout + result.stderr


def test_check_generated_refuses_an_api_version_mismatch(project, cci_env, cci):
    config = project / "cumulusci.yml"
    config.write_text(config.read_text().replace('api_version: "66.0"', 'api_version: "65.0"'))
    result = cci(project, cci_env, "task", "run", "check_generated")
    assert result.returncode == 1
    assert "api_version is 65.0 but specs/ct-nonprofit.yml says api_version 66.0" in result.stdout + result.stderr


def test_validate_metadata_fails_on_a_broken_flow(project, cci_env, cci):
    flow = project / "force-app/main/default/flows/Stripe_Payment_Reminder.flow-meta.xml"
    flow.write_text(
        flow.read_text().replace("<processType>", "<processTypo>", 1).replace("</processType>", "</processTypo>", 1)
    )
    result = cci(project, cci_env, "task", "run", "validate_metadata")
    assert result.returncode == 1
    assert "Stripe_Payment_Reminder.flow-meta.xml" in result.stdout + result.stderr


def test_sfpay_deploy_stops_before_the_org_when_force_app_is_stale(project, cci_env, sfpay):
    flow = next((project / "force-app/main/default/flows").glob("*.flow-meta.xml"))
    flow.write_text(flow.read_text().replace("<status>Active</status>", "<status>Draft</status>"))
    # No org named "nowhere" exists either: the run must fail on the first step's reason.
    (Path(cci_env["HOME"]) / ".cumulusci").mkdir(exist_ok=True)
    result = sfpay(project, cci_env, "deploy", "--org", "nowhere")
    assert result.returncode == 1
    assert "deploy_sandbox failed on org nowhere" in result.stderr
    assert "Full log:" in result.stderr
    assert "connect it first: `cci org connect nowhere`" in " ".join(result.stderr.split())


def test_connector_packages_come_from_the_spec():
    from pipeline.tasks.dependencies import connector_from_spec

    namespace, dependencies = connector_from_spec(Path(__file__).resolve().parents[2] / "specs/ct-nonprofit.yml")
    assert namespace == "stripeGC"
    # The default spec names no package versions yet: the task then checks the namespace is installed.
    assert dependencies == []


def test_connector_package_versions_in_the_spec_become_dependencies(tmp_path):
    from pipeline.tasks.dependencies import connector_from_spec

    spec = tmp_path / "spec.yml"
    spec.write_text(
        "stripe:\n"
        "  packages:\n"
        "    - {name: Stripe Universal Connector, version_id: 04t5G000004XYZaQAG}\n"
        "    - {name: Stripe API Extension 2025-04-30, version_id: 04t5G000004XYZb}\n",
        encoding="utf-8",
    )
    namespace, dependencies = connector_from_spec(spec)
    assert namespace == "stripeGC"
    assert dependencies == [{"version_id": "04t5G000004XYZaQAG"}, {"version_id": "04t5G000004XYZb"}]


def test_connector_access_assigns_what_the_spec_names_and_names_what_is_missing():
    from pipeline.tasks.connector_access import plan_access

    existing = {"Stripe_Connector_User": "0PS1", "Stripe_Connector_Admin": "0PS2"}
    plan = plan_access(
        ["Stripe_Connector_User", "Stripe_Connector_Admin"], existing, {"0PS2"}, ["Stripe_Connector_Admin"]
    )
    assert plan.to_assign == ["0PS1"] and plan.missing == [] and plan.held == ["Stripe_Connector_Admin"]
    plan = plan_access(["Typo_Permission_Set"], existing, set(), [])
    assert plan.missing == ["Typo_Permission_Set"] and plan.to_assign == []


def test_deploy_flows_run_connector_access_except_on_the_emulated_org():
    import yaml

    from sfpay.paths import PROJECT_ROOT

    config = yaml.safe_load((PROJECT_ROOT / "cumulusci.yml").read_text())
    assert config["tasks"]["connector_access"]["class_path"] == "pipeline.tasks.connector_access.ConnectorAccess"
    for flow in ("deploy_sandbox", "deploy_production"):
        steps = {str(k): v for k, v in config["flows"][flow]["steps"].items()}
        assert steps["6.5"]["task"] == "connector_access" and "sfpay_emulated" in steps["6.5"]["when"]
