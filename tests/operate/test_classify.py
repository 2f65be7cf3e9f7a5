"""The classification rules and the merge, on plain rows (no network)."""

from __future__ import annotations

from dataclasses import replace

from generator.spec.model import Spec
from operate.reconcile.classify import compare, merge, orphan, replaced
from operate.reconcile.facts import facts_from_spec
from operate.reconcile.findings import Kind

FACTS = facts_from_spec(Spec())  # the default spec's names and values


def org(status: str = "Open", stage: str = "Proposal/Price Quote", invoiced: str | None = "250.0", **kw):
    return {
        "invoice_id": "in_A",
        "opp_id": "006000000000001AAA",
        "name": "Gala",
        "status": status,
        "stage": stage,
        "amount": "250.0",
        "invoiced_amount": invoiced,
        "error": None,
        **kw,
    }


def inv(status: str = "open", total: int = 25000, **kw):
    return {
        "invoice_id": "in_A",
        "status": status,
        "total": total,
        "currency": "usd",
        "created": 1,
        "customer": "cus_1",
        "description": "Invoice for Gala",
        "transition_at": 2,
        **kw,
    }


def kinds(findings) -> list[str]:
    return [f.kind.value for f in findings]


def test_merge_pairs_by_byte_order_and_keeps_one_sided_rows() -> None:
    left = iter([{"invoice_id": i} for i in ("in_A", "in_B", "in_a")])
    right = iter([{"invoice_id": i} for i in ("in_B", "in_C", "in_a", "in_b")])
    pairs = [(a and a["invoice_id"], b and b["invoice_id"]) for a, b in merge(left, right)]
    assert pairs == [("in_A", None), ("in_B", "in_B"), (None, "in_C"), ("in_a", "in_a"), (None, "in_b")]


def test_status_rules() -> None:
    assert kinds(compare(FACTS, org(), inv())) == ["in_sync"]
    assert kinds(compare(FACTS, org("Failed"), inv())) == ["in_sync"]
    stale = compare(FACTS, org(), inv("paid"))
    assert kinds(stale) == ["status_stale"] and stale[0].fixable and "invoice.paid" in stale[0].action
    assert kinds(compare(FACTS, org("Failed"), inv("void"))) == ["status_stale"]
    assert kinds(compare(FACTS, org("Paid"), inv("void"))) == ["status_conflict"]
    assert kinds(compare(FACTS, org("Paid", stage="Closed Won"), inv("open"))) == ["status_conflict"]
    no_event = replace(FACTS, events={"invoice.paid": "Paid"})
    unmapped = compare(no_event, org(), inv("uncollectible"))
    assert kinds(unmapped) == ["status_stale"] and not unmapped[0].fixable  # reported, nothing to replay
    void_unmapped = compare(no_event, org(), inv("void"))
    assert kinds(void_unmapped) == ["status_stale"] and not void_unmapped[0].fixable


def test_amounts_in_the_smallest_unit() -> None:
    assert kinds(compare(FACTS, org(), inv(total=25001))) == ["amount_mismatch"]
    assert kinds(compare(FACTS, org(invoiced=None), inv())) == ["in_sync"]  # falls back to Amount
    yen = replace(FACTS, currency="jpy", exponent=0)
    assert kinds(compare(yen, org(invoiced="5000"), inv(total=5000, currency="jpy"))) == ["in_sync"]
    assert kinds(compare(FACTS, org(), inv(currency="eur"))) == ["amount_mismatch"]


def test_won_stage_missing_is_fixable_through_the_paid_event() -> None:
    found = compare(FACTS, org("Paid"), inv("paid"))
    assert kinds(found) == ["won_stage_missing"] and found[0].fixable
    assert kinds(compare(FACTS, org("Paid", stage="Closed Won"), inv("paid"))) == ["in_sync"]


def test_replaced_and_orphans() -> None:
    current = org()
    assert replaced(FACTS, inv("void"), "006X", current).kind is Kind.REPLACED
    assert replaced(FACTS, inv("open"), "006X", current).kind is Kind.DUPLICATE_OPEN
    assert replaced(FACTS, inv("paid"), "006X", current).kind is Kind.DUPLICATE_OPEN
    assert orphan(FACTS, inv("draft"), None, "", None).kind is Kind.UNLINKED_INACTIVE
    assert orphan(FACTS, inv("open"), "006X", "key", {**current, "invoice_id": "in_Z"}).kind is Kind.DUPLICATE_OPEN
    lone = orphan(FACTS, inv("paid"), "006X", "key", None)
    assert lone.kind is Kind.ORPHAN_IN_STRIPE and "006X" in lone.detail
    assert orphan(FACTS, inv("open"), None, "no key", None).kind is Kind.ORPHAN_IN_STRIPE


def test_memo_pattern_follows_the_spec_template() -> None:
    assert FACTS.description_pattern().match("Invoice for Spring Gala").group("opportunity_name") == "Spring Gala"
    with_id = replace(FACTS, invoice_description="{opportunity_name} ({opportunity_id}) r{revision}")
    assert (
        with_id.description_pattern().match("Gala (006000000000001AAA) r2").group("opportunity_id")
        == "006000000000001AAA"
    )
    assert replace(FACTS, invoice_description="Thank you").description_pattern() is None
