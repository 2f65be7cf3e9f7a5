"""The flat spec view scenarios read, built from the generator's spec model."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.spec_view import SpecUnavailable, default_spec_path, load, offset_seconds
from sfpay.paths import PROJECT_ROOT


def test_default_spec():
    view = load(default_spec_path())
    assert (view.invoice_id_field, view.invoice_url_field, view.status_field) == (
        "Stripe_Invoice_ID__c", "Stripe_Invoice_URL__c", "Stripe_Payment_Status__c")
    assert view.customer_id_field == "stripeGC__Customer_Id__c"
    assert (view.status_open, view.status_paid, view.status_failed, view.won_stage) == ("Open", "Paid", "Failed", "Closed Won")
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
