"""A hand-edited generated tree is held to the spec checks' rules (issue 14, item 14).

Each test edits a copy of the committed force-app the way a person might, and expects exactly
the new finding; before the new rules `sfpay validate` passed every one of these trees.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from validate_helpers import WORKTREE, findings_of, run_validate

FLOWS = "force-app/main/default/flows"
FIELDS = "force-app/main/default/objects/Opportunity/fields"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(WORKTREE / "force-app", tmp_path / "force-app")
    shutil.copy(WORKTREE / "sfdx-project.json", tmp_path / "sfdx-project.json")
    return tmp_path


def rules_found(tree: Path) -> list[tuple[str, str]]:
    result = run_validate("--format", "json", cwd=tree)
    return sorted((f["rule_id"], f["message"]) for f in findings_of(result))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_unknown_currency_in_connector_input(tree: Path) -> None:
    edit(
        tree / FLOWS / "Stripe_Invoice_On_Opportunity_Create.flow-meta.xml",
        "<stringValue>usd</stringValue>",
        "<stringValue>zzz</stringValue>",
    )
    found = rules_found(tree)
    assert found and set(found) == {("stripe-value-unknown", "currency `zzz` is not one Stripe supports")}


def test_unknown_event_type_in_entry_filter(tree: Path) -> None:
    edit(
        tree / FLOWS / "Stripe_Event_Update_Opportunity_Status.flow-meta.xml",
        "<stringValue>invoice.voided</stringValue>",
        "<stringValue>invoice.void</stringValue>",
    )
    assert ("stripe-value-unknown", "`invoice.void` is not a Stripe event type") in rules_found(tree)


def test_field_file_name_with_trailing_newline(tree: Path) -> None:
    source = tree / FIELDS / "Stripe_Invoice_URL__c.field-meta.xml"
    source.rename(tree / FIELDS / "Stripe_Invoice_URL__c\n.field-meta.xml")
    assert (
        "api-name-invalid",
        "the name 'Stripe_Invoice_URL__c\\n' contains whitespace or a control character",
    ) in rules_found(tree)


def test_newer_api_version_than_the_wsdl(tree: Path) -> None:
    edit(
        tree / FLOWS / "Stripe_Payment_Reminder.flow-meta.xml",
        "<apiVersion>66.0</apiVersion>",
        "<apiVersion>67.0</apiVersion>",
    )
    assert ("api-version-unsupported", "apiVersion `67.0` is not supported") in rules_found(tree)


def test_picklist_values_differing_in_case(tree: Path) -> None:
    field = tree / FIELDS / "Stripe_Payment_Status__c.field-meta.xml"
    edit(field, "<fullName>Failed</fullName>", "<fullName>paid</fullName>")
    assert ("name-case-duplicate", "picklist value `paid` differs only in case from `Paid`") in rules_found(tree)


def test_the_generated_tree_passes_the_new_rules(tree: Path) -> None:
    assert rules_found(tree) == []
