"""The flat spec view scenarios read, built from the generator's spec model."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.spec_view import SpecUnavailable, default_spec_path, load, offset_seconds
from sfpay.paths import PROJECT_ROOT


def test_default_spec():
    view = load(default_spec_path())
    assert (view.invoice_id_field, view.invoice_url_field, view.status_field) == (
        "Stripe_Invoice_ID__c",
        "Stripe_Invoice_URL__c",
        "Stripe_Payment_Status__c",
    )
    assert view.customer_id_field == "stripeGC__Customer_Id__c"
    assert (view.status_open, view.status_paid, view.status_failed, view.won_stage) == (
        "Open",
        "Paid",
        "Failed",
        "Closed Won",
    )
    assert view.stripe_api_version == "2025-04-30" and view.currency == "usd"
    assert "invoice.paid" in view.webhook_events and "invoice.payment_failed" in view.webhook_events
    assert [rt.developer_name for rt in view.record_types] == ["Profit", "Nonprofit"]
    assert view.record_type("Nonprofit").recipient_types == ("payer", "owner", "accountOwner")
    assert view.reminder_offsets == ((30, "Days"),) and offset_seconds(30, "Days") == 30 * 86400
    assert view.amount_in_minor_units(Decimal("1250.00")) == 125000
    assert view.stripe_event_object == "stripeGC__Stripe_Event__c"


def test_every_example_spec_loads():
    for path in sorted((PROJECT_ROOT / "specs").rglob("*.yml")):
        view = load(path)
        assert view.eligible_stages and view.webhook_events


def test_bad_spec_is_reported_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("invoicing:\n  minimum_amount: lots\n")
    with pytest.raises(SpecUnavailable, match=r"bad.yml:2"):
        load(bad)


def _spec(tmp_path, text: str):
    path = tmp_path / "spec.yml"
    path.write_text(text)
    return load(path)


def test_amounts_come_from_the_spec_minimum(tmp_path):
    """Issue 13: scenario amounts derive from invoicing.minimum_amount, whole units, distinct per step."""
    view = _spec(tmp_path, "currency: {code: jpy}\ninvoicing: {minimum_amount: 5000}\n")
    assert view.amount() == Decimal(5000) and view.amount(7) == Decimal(5007)
    assert view.amount_in_minor_units(view.amount(7)) == 5007
    assert view.below_minimum() == Decimal(4999)
    eu = load(PROJECT_ROOT / "specs" / "examples" / "eu-three-types.yml")
    assert eu.amount() == Decimal(100) and eu.amount(3) == Decimal(103)  # a minimum of 10.50 is below 100
    assert eu.below_minimum() == Decimal("10.49")
    assert _spec(tmp_path, "invoicing: {minimum_amount: 1250.25}\n").amount(1) == Decimal(1252)


def test_money_is_shown_in_the_payers_terms(tmp_path):
    jpy = _spec(tmp_path, "currency: {code: jpy}\n")
    assert jpy.money(Decimal("54321")) == "JPY 54,321" and jpy.money_minor(6200) == "JPY 6,200"
    kwd = _spec(tmp_path, "currency: {code: kwd}\n")
    assert kwd.money(Decimal("1.5")) == "KWD 1.500" and kwd.money_minor(1500) == "KWD 1.500"
    assert load(default_spec_path()).money(Decimal("1250")) == "USD 1,250.00"
