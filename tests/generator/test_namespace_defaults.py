"""A spec that installs the connector under another namespace gets that namespace's customer
field by default; a field the spec names itself is kept as written."""

from __future__ import annotations

from pathlib import Path

from generator.spec import load_spec


def _spec(tmp_path: Path, text: str):
    path = tmp_path / "sfpay.yml"
    path.write_text(text, encoding="utf-8")
    return load_spec(path)


def test_default_customer_field_follows_the_connector_namespace(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "stripe:\n  namespace: acmepay\n")
    assert spec.customer_id_field.api_name == "acmepay__Customer_Id__c"


def test_default_namespace_keeps_the_connector_field(tmp_path: Path) -> None:
    assert _spec(tmp_path, "currency: {}\n").customer_id_field.api_name == "stripeGC__Customer_Id__c"


def test_a_named_customer_field_is_kept(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "stripe:\n  namespace: acmepay\ncustomer_id_field:\n  api_name: Stripe_Customer__c\n")
    assert spec.customer_id_field.api_name == "Stripe_Customer__c"
