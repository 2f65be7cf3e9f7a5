"""The org server's deploy check runs the validator rules that declare Salesforce enforces
them at deploy (validator/rules/base.py), not a list kept in the emulator."""

from __future__ import annotations

from sfpay.local.deploy_checks import not_enforced_by_deploy
from validator.rules import RULES


def test_every_rule_declares_whether_a_deploy_enforces_it() -> None:
    assert all(isinstance(rule.enforced_at_deploy, bool) for rule in RULES)


def test_the_rules_left_to_sfpay_validate() -> None:
    assert not_enforced_by_deploy() == {
        "permset-field-missing",
        "fault-path-missing",
        "element-unreachable",
        "hardcoded-id",
        "hardcoded-url",
        "merge-syntax-in-value",
        "callout-after-dml",
        "callout-not-async",
        "stripe-value-unknown",  # Stripe, not Salesforce, refuses an unknown currency or event type
    }
