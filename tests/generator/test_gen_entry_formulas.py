"""Entry conditions evaluated on before/after records: the update flow enters for changes
that matter and never for the automation's own writes (the seed's duplicate-invoice bug)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from gen_flowxml import parse, text
from gen_formula_eval import Evaluator
from gen_support import flows_of

BASE = {
    "Id": "0068d0000000001AAA",
    "StageName": "Proposal/Price Quote",
    "Amount": Decimal("1250.50"),
    "Stripe_Invoice_ID__c": None,
    "Stripe_Invoiced_Amount__c": None,
    "Stripe_Payment_Status__c": None,
    "Stripe_Invoicing_Error__c": None,
    "Stripe_Retry_Invoicing__c": False,
}
FAILED = {**BASE, "Stripe_Invoicing_Error__c": "Failed: Stripe API error 500"}
RETRY = {**FAILED, "Stripe_Retry_Invoicing__c": True}
INVOICED = {
    **BASE,
    "Stripe_Invoice_ID__c": "in_1",
    "Stripe_Invoiced_Amount__c": Decimal("1250.50"),
    "Stripe_Payment_Status__c": "Open",
}


def _entry(default_files, default_spec, kind: str) -> str:
    flow = parse(flows_of(default_files)[getattr(default_spec.flows, kind).api_name])
    return text(flow.find("{*}start"), "filterFormula")


def _evaluate(formula: str, record: dict, prior: dict | None = None) -> bool:
    def field(ref: str, source: dict):
        assert ref.startswith("$Record."), ref
        return source[ref.removeprefix("$Record.")]

    return Evaluator(lambda r: field(r, record), lambda r: field(r, prior or record)).evaluate(formula)


UPDATES = [
    # (case, prior, new, enters)
    ("stage into eligibility, no invoice", {**BASE, "StageName": "Prospecting"}, BASE, True),
    # State only: the prior version already met the condition, so no new run (issue 12, defect 5).
    ("amount change, no invoice yet", {**BASE, "Amount": Decimal("1000")}, BASE, False),
    ("own writeback of the invoice", BASE, INVOICED, False),
    ("own writeback of a failure", BASE, FAILED, False),
    ("edit while an error is recorded", FAILED, {**FAILED, "Amount": Decimal("1000")}, False),
    ("stage back into eligibility while an error is recorded", {**FAILED, "StageName": "Prospecting"}, FAILED, False),
    ("Retry Invoicing checked", FAILED, RETRY, True),
    ("own writeback of a failed retry", RETRY, FAILED, False),
    ("own writeback of a successful retry", RETRY, INVOICED, False),
    ("status update by a Stripe event", INVOICED, {**INVOICED, "Stripe_Payment_Status__c": "Failed"}, False),
    (
        "paid: won stage set by the event flow",
        {**INVOICED, "Stripe_Payment_Status__c": "Paid"},
        {**INVOICED, "Stripe_Payment_Status__c": "Paid", "StageName": "Closed Won"},
        False,
    ),
    ("amount change on an invoiced Opportunity", INVOICED, {**INVOICED, "Amount": Decimal("1300")}, True),
    ("amount changed back to the invoiced amount", {**INVOICED, "Amount": Decimal("1300")}, INVOICED, False),
    ("stage change with an invoice, same amount", INVOICED, {**INVOICED, "StageName": "Negotiation/Review"}, False),
    ("amount change below the minimum", INVOICED, {**INVOICED, "Amount": Decimal("0.5")}, False),
    (
        "amount change out of the eligible stages",
        {**INVOICED, "StageName": "Closed Lost"},
        {**INVOICED, "StageName": "Closed Lost", "Amount": Decimal("5")},
        False,
    ),
    ("amount cleared", BASE, {**BASE, "Amount": None}, False),
    ("name change only", BASE, BASE, False),
]


@pytest.mark.parametrize("case, prior, new, enters", UPDATES, ids=[u[0] for u in UPDATES])
def test_update_flow_entry(default_files, default_spec, case, prior, new, enters):
    # doesRequireRecordChangedToMeetCriteria: the prior version did not meet the (state-only)
    # condition and the new one does (Salesforce Help, "Flow Trigger: Record-Triggered Flows").
    formula = _entry(default_files, default_spec, "update")
    assert (_evaluate(formula, new) and not _evaluate(formula, prior)) is enters


@pytest.mark.parametrize(
    "record, enters",
    [
        (BASE, True),
        ({**BASE, "StageName": "Prospecting"}, False),
        ({**BASE, "Amount": Decimal("0.99")}, False),
        ({**BASE, "Amount": None}, False),
        (INVOICED, False),
    ],
    ids=["eligible", "stage", "below-minimum", "no-amount", "already-invoiced"],
)
def test_create_flow_entry(default_files, default_spec, record, enters):
    assert _evaluate(_entry(default_files, default_spec, "create"), record) is enters


@pytest.mark.parametrize(
    "status, invoice, enters",
    [
        ("Open", "in_1", True),
        ("Failed", "in_1", True),
        ("Paid", "in_1", False),
        ("Void", "in_1", False),
        ("Open", None, False),
    ],
)
def test_reminder_flow_entry(default_files, default_spec, status, invoice, enters):
    record = {**BASE, "Stripe_Payment_Status__c": status, "Stripe_Invoice_ID__c": invoice}
    assert _evaluate(_entry(default_files, default_spec, "reminder"), record) is enters
