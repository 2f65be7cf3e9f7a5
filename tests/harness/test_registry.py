"""Scenario registry, selection, capability skips and redaction."""

from __future__ import annotations

import pytest

from harness.context import ScenarioContext, redact_text
from harness.results import Outcome
from harness.scenario import UnknownScenario, all_scenarios, select
from harness.targets.base import Budgets, Capability, Connection, Target, TargetError
from sfpay.local.stack import LocalConnection


def test_scenarios_numbered_in_the_issue_order():
    # 1-13 from issue 8, 14-19 from issue 12, 20-23 from issue 16 (reconcile, drift, backfill).
    scenarios = all_scenarios()
    assert [cls.number for cls in scenarios] == list(range(1, 24))
    assert len({cls.name for cls in scenarios}) == 23
    assert {"reconcile-missed-webhook", "reconcile-dashboard-void", "drift-hand-edit", "backfill-rerun-safe"} <= {
        cls.name for cls in scenarios
    }
    for cls in scenarios:
        assert cls.title and cls.description and cls.name == cls.name.lower()
        assert cls.requires <= set(Capability.DESCRIPTIONS)


def test_select_by_name_number_and_comma_list_keeps_registry_order():
    assert [c.name for c in select(["bulk-200", "1"])] == ["invoice-on-create", "bulk-200"]
    assert len(select(None)) == 23
    with pytest.raises(UnknownScenario, match="unknown scenario 'nope'.*invoice-on-create"):
        select(["nope"])


class BareTarget(Target):
    """A target with no optional capability, to see what the scenarios that need one report."""

    name = "bare"
    capabilities = frozenset()
    budgets = Budgets(1, 1, 0.1, 0.01)

    def describe(self) -> str:
        return "bare"


def test_scenarios_needing_missing_capabilities_are_skipped_with_the_reason():
    ctx = ScenarioContext(
        BareTarget(), Connection(sf=None, stripe=None, stripe_api_base=None, webhook=None), spec=None, run_tag="t"
    )
    results = {cls.name: cls().run(ctx) for cls in all_scenarios() if cls.requires}
    assert set(results) == {
        "duplicate-out-of-order-webhooks",
        "forged-stale-webhook",
        "reminder-unpaid",
        "no-reminder-when-paid",
        "stripe-outage-recovery",
        "invoice-sent-to-payer",
        "reissue-fails-midway",
        "oversize-event",
        "drift-hand-edit",
    }
    assert all(r.outcome is Outcome.SKIPPED for r in results.values())
    assert "saving a flow version by hand as Flow Builder does" in results["drift-hand-edit"].reason
    assert results["stripe-outage-recovery"].reason == "the bare target does not support injecting Stripe failures"
    assert "reading the emails the org sends" in results["reminder-unpaid"].reason
    assert "reading the invoice emails Stripe sent" in results["invoice-sent-to-payer"].reason
    with pytest.raises(TargetError, match="moving the org's clock"):
        BareTarget().advance_clock(days=30)


def test_redaction_of_known_secrets_and_secret_shapes():
    text = "key sk_test_51Habc and rk_live_9x, secret whsec_abcdef, token 00D5g000004abcd!AQ0AQx.y_z, Bearer abc.def, pw hunter22"
    out = redact_text(text, ["hunter22"])
    for leaked in (
        "sk_test_51Habc",
        "rk_live_9x",
        "whsec_abcdef",
        "00D5g000004abcd!AQ0AQx",
        "Bearer abc.def",
        "hunter22",
    ):
        assert leaked not in out
    assert redact_text("sk_test_...4242 is the display form", []) == "sk_test_...4242 is the display form"


def test_local_connection_is_the_json_shape_of_local_up():
    # One shape (issue 13 #8): the dataclass the harness receives is what `local up --json` prints.
    data = {
        "instance_url": "https://127.0.0.1:1",
        "username": "u",
        "password": "p",
        "security_token": "st",
        "access_token": "t",
        "ca_bundle": "/x/ca.pem",
        "ca_certs": "/x/ca-certs",
        "client_id": "c",
        "jwt_key_file": None,
        "webhook_url": "https://127.0.0.1:1/hook",
        "webhook_endpoint_id": "we_1",
        "webhook_secret": "whsec_s",
        "api_base": "http://127.0.0.1:2",
        "api_key": "sk_test_k",
        "stripe_account_name": "Acme",
        "state_dir": "/x",
        "spec": None,
        "project_root": None,
    }
    details = LocalConnection.from_json(data)
    assert details.as_json() == data
    assert set(details.secrets) == {"p", "st", "t", "sk_test_k", "whsec_s"}


def test_a_spec_with_draft_flows_skips_every_scenario_with_the_reason():
    """specs/examples/eu-three-types.yml deploys its flows as Draft: nothing runs in the org, so no
    scenario can verify anything; each says so instead of timing out (issue 13)."""
    from harness.spec_view import load
    from sfpay.paths import PROJECT_ROOT

    spec = load(PROJECT_ROOT / "specs" / "examples" / "eu-three-types.yml")
    assert not spec.flows_active
    ctx = ScenarioContext(
        BareTarget(), Connection(sf=None, stripe=None, stripe_api_base=None, webhook=None), spec=spec, run_tag="t"
    )
    results = [cls().run(ctx) for cls in all_scenarios() if not cls.requires]
    assert results and all(r.outcome is Outcome.SKIPPED for r in results)
    assert all("flows.status: Draft" in r.reason for r in results), results[0].reason
