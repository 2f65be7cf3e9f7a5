"""The payer's page in Chromium: pay (USD, JPY), decline then pay, reload after a decline, void, phone, axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import MERCHANT, axe_violations, horizontal_overflow
from tests.stripesim.test_hosted_page import open_invoice

CASES = {"usd": (123450, "$1,234.50"), "jpy": (6200, "¥6,200")}


def shot(page: Any, directory: Path, name: str) -> None:
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("currency", ["usd", "jpy"])
def test_pay_with_the_visa_test_card(stripe_sim, page, screenshots, currency):
    client = stripe_sim.stripe_client()
    amount, shown = CASES[currency]
    invoice = open_invoice(client, [(amount, "Gala table")], currency=currency)
    page.goto(invoice.hosted_invoice_url)
    assert page.locator("header").inner_text() == MERCHANT
    assert page.locator("#amount-remaining").inner_text() == shown
    assert page.get_by_label("Visa (succeeds)").is_checked()
    assert page.get_by_role("heading", level=1).inner_text() == f"Invoice {invoice.number}"
    shot(page, screenshots, f"10-{currency}-open-invoice")
    assert axe_violations(page) == []
    page.get_by_role("button", name=f"Pay {shown}").click()
    page.wait_for_url("**notice=paid")
    assert page.locator("#status").inner_text() == "Paid"
    assert page.get_by_role("status").inner_text() == f"Thank you. Your payment of {shown} was received."
    assert page.locator("form").count() == 0
    shot(page, screenshots, f"11-{currency}-paid-invoice")
    assert axe_violations(page) == []
    paid = client.v1.invoices.retrieve(invoice.id)
    assert paid.status == "paid" and paid.amount_paid == amount
    page.get_by_role("link", name="View receipt").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Receipt for invoice {invoice.number}"
    assert shown in page.locator("main").inner_text() and "Visa ending in 4242" in page.locator("main").inner_text()
    shot(page, screenshots, f"12-{currency}-receipt")
    assert axe_violations(page) == []


def test_decline_then_pay_and_reloading_does_not_pay_again(stripe_sim, page, screenshots):
    client = stripe_sim.stripe_client()
    invoice = open_invoice(client, [(6200, "Gala table")], currency="jpy")
    page.goto(invoice.hosted_invoice_url)
    page.get_by_label("Declined: insufficient funds").check()
    page.get_by_role("button", name="Pay ¥6,200").click()
    page.wait_for_url("**notice=declined_insufficient_funds")
    assert page.get_by_role("alert").inner_text() == "Your card has insufficient funds."
    shot(page, screenshots, "20-jpy-declined")
    assert axe_violations(page) == []
    page.reload()  # a GET: the browser has nothing to post again
    page.reload()
    assert client.v1.invoices.retrieve(invoice.id).attempt_count == 1
    page.get_by_label("Visa (succeeds)").check()
    page.get_by_role("button", name="Pay ¥6,200").click()
    page.wait_for_url("**notice=paid")
    assert page.locator("#status").inner_text() == "Paid"
    paid = client.v1.invoices.retrieve(invoice.id)
    assert (paid.status, paid.amount_paid, paid.attempt_count) == ("paid", 6200, 2)


def test_a_void_invoice_points_at_its_replacement(stripe_sim, page, screenshots):
    client = stripe_sim.stripe_client()
    old = open_invoice(client, [(40000, "Gala table")])
    new = open_invoice(client, [(45000, "Gala table")], customer_id=old.customer)
    client.v1.invoices.void_invoice(old.id)
    page.goto(old.hosted_invoice_url)
    assert page.locator("#status").inner_text() == "Void"
    assert page.locator("form").count() == 0 and page.locator("#amount-remaining").count() == 0
    assert f"replaced by invoice {new.number}" in page.locator("#replaced").inner_text()
    shot(page, screenshots, "30-usd-void-invoice")
    assert axe_violations(page) == []
    page.get_by_role("link", name=f"View and pay invoice {new.number}").click()
    page.wait_for_url(new.hosted_invoice_url)
    assert page.locator("#amount-remaining").inner_text() == "$450.00"


def test_unknown_link_page_is_accessible(stripe_sim, page):
    page.goto(f"{stripe_sim.base_url}/i/acct_nope/test_nope")
    assert page.get_by_role("heading", level=1).inner_text() == "Invoice not found"
    assert axe_violations(page) == []


@pytest.mark.parametrize("currency", ["usd", "jpy"])
def test_phone_viewport(stripe_sim, phone, screenshots, currency):
    client = stripe_sim.stripe_client()
    amount, shown = CASES[currency]
    invoice = open_invoice(
        client,
        [(amount, "Annual membership for the Friends of the Riverside Community Garden"), (amount, "Gala table")],
        currency=currency,
        description="Invoice for Riverside Community Garden annual appeal 2026",
    )
    phone.goto(invoice.hosted_invoice_url)
    assert phone.evaluate("() => window.innerWidth") == 390  # the viewport meta is honoured: no 980 px layout
    assert horizontal_overflow(phone) == 0
    button = phone.get_by_role("button", name="Pay")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 24  # WCAG 2.2 target size
    shot(phone, screenshots, f"40-{currency}-phone")
    assert axe_violations(phone) == []
    button.click()
    phone.wait_for_url("**notice=paid")
    assert horizontal_overflow(phone) == 0


def test_the_checks_can_fail(page):
    """axe and the overflow probe do find problems: a page without lang, alt text or labels, too wide."""
    page.set_content(
        "<html><body><img src='x.png'><input type='text'><div style='width:2000px'>wide</div></body></html>"
    )
    found = {v["id"] for v in axe_violations(page)}
    assert {"html-has-lang", "image-alt", "label"} <= found
    assert horizontal_overflow(page) > 0
