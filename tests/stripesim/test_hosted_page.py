"""The hosted invoice page as a payer sees it: merchant, money in the currency's terms, lines, status in
words, paid details and receipt, a real PDF, the void page, and POST-redirect-GET on every form."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest
import stripe
from lxml import etree

from stripesim import start_sim
from stripesim.resources.currencies import format_amount
from tests.stripesim.conftest import fast_config


def open_invoice(
    client: stripe.StripeClient,
    lines: list[tuple[int, str]],
    currency: str = "usd",
    description: str = "Invoice for Spring gala",
    customer_id: str | None = None,
):
    if customer_id is None:
        customer_id = client.v1.customers.create(params={"email": "payer@example.org", "name": "Pat Payer"}).id
    invoice = client.v1.invoices.create(
        params={
            "customer": customer_id,
            "collection_method": "send_invoice",
            "days_until_due": 30,
            "currency": currency,
            "description": description,
        }
    )
    for amount, text in lines:
        client.v1.invoice_items.create(
            params={
                "customer": customer_id,
                "invoice": invoice.id,
                "amount": amount,
                "currency": currency,
                "description": text,
            }
        )
    return client.v1.invoices.finalize_invoice(invoice.id)


def visible_text(html: str) -> str:
    root = etree.fromstring(html.encode(), etree.HTMLParser())
    for hidden in root.xpath("//style|//script|//title"):
        hidden.getparent().remove(hidden)
    return " ".join(" ".join(root.itertext()).split())


def pay_form_action(page: str) -> str:
    return re.search(r'<form[^>]*action="([^"]+)"', page).group(1)


@pytest.mark.parametrize(
    "amount, currency, shown",
    [
        (123456, "usd", "$1,234.56"),
        (6200, "jpy", "¥6,200"),
        (1500, "kwd", "KWD\u00a01.500"),
        (1000, "eur", "€10.00"),
        (50000, "isk", "ISK\u00a0500"),
        (990, "krw", "₩990"),
        (12345, "bhd", "BHD\u00a012.345"),
        (-250, "gbp", "-£2.50"),
    ],
)
def test_amounts_in_the_currencys_own_format(amount, currency, shown):
    assert format_amount(amount, currency) == shown


def test_jpy_page_shows_yen_without_a_minor_unit(client):
    invoice = open_invoice(client, [(6200, "Gala table")], currency="jpy")
    page = httpx.get(invoice.hosted_invoice_url).text
    text = visible_text(page)
    assert "¥6,200" in text and "Pay ¥6,200" in text
    assert "62.00" not in text and "JPY" not in text


def test_page_is_a_faithful_invoice(client):
    invoice = open_invoice(client, [(2500, "Gala ticket"), (1000, "Raffle")])
    response = httpx.get(invoice.hosted_invoice_url)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="en">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    text = visible_text(page)
    assert f"Invoice {invoice.number}" in text and "stripesim" in text  # the default merchant name
    assert "Pat Payer" in text and "payer@example.org" in text
    assert re.search(r"Due [A-Z][a-z]+ \d{1,2}, \d{4}", text), text
    assert "Open" in text  # the status, in words
    # Line items with quantity and unit price, then the totals.
    assert "Gala ticket 1 $25.00 $25.00" in text and "Raffle 1 $10.00 $10.00" in text
    assert "Total $35.00" in text and "Amount due $35.00" in text and "Pay $35.00" in text
    # The test cards in words, never the emulator's ids.
    assert "Visa (succeeds)" in text and "Declined: insufficient funds" in text
    assert "pm_card" not in text
    # Every radio button has a label.
    root = etree.fromstring(page.encode(), etree.HTMLParser())
    radios = root.xpath("//input[@type='radio']")
    labels = {label.get("for") for label in root.xpath("//label")}
    assert radios and all(r.get("id") in labels for r in radios)
    assert root.xpath("//main") and root.xpath("//h1")


def test_merchant_name_from_the_configuration_and_the_admin_api():
    with start_sim(fast_config(account_name="Acme Foundation")) as sim:
        client = sim.stripe_client()
        invoice = open_invoice(client, [(700, "Membership")])
        assert invoice.account_name == "Acme Foundation"
        text = visible_text(httpx.get(invoice.hosted_invoice_url).text)
        assert "Acme Foundation" in text and "stripesim" not in text
        client.v1.invoices.send_invoice(invoice.id)
        assert (
            sim.admin.sent_emails(invoice=invoice.id)[0]["subject"] == f"Invoice {invoice.number} from Acme Foundation"
        )
        assert sim.admin.account() == {"name": "Acme Foundation"}
        assert sim.admin.account(name="Beta Trust") == {"name": "Beta Trust"}
        later = open_invoice(client, [(700, "Membership")])
        assert later.account_name == "Beta Trust"
        # A finalized invoice keeps the name it was issued under.
        assert client.v1.invoices.retrieve(invoice.id).account_name == "Acme Foundation"
        with pytest.raises(RuntimeError, match="name"):
            sim.admin.account(name="  ")


def test_stripe_sim_command_takes_an_account_name():
    result = subprocess.run(
        [sys.executable, "-m", "stripesim", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert "--account-name" in result.stdout


def test_decline_then_pay_is_post_redirect_get(client):
    invoice = open_invoice(client, [(1234, "Gift")])
    url = invoice.hosted_invoice_url
    action = httpx.URL(url).join(pay_form_action(httpx.get(url).text))
    declined = httpx.post(action, data={"payment_method": "pm_card_chargeDeclinedInsufficientFunds"})
    assert declined.status_code == 303
    landing = declined.headers["location"]
    again = httpx.get(httpx.URL(url).join(landing))
    assert again.status_code == 200
    assert "Your card has insufficient funds." in visible_text(again.text)
    # Reloading the page a payer landed on only reads: no second attempt.
    httpx.get(httpx.URL(url).join(landing))
    after = client.v1.invoices.retrieve(invoice.id)
    assert after.status == "open" and after.attempt_count == 1
    paid = httpx.post(action, data={"payment_method": "pm_card_visa"})
    assert paid.status_code == 303
    page = httpx.get(httpx.URL(url).join(paid.headers["location"])).text
    text = visible_text(page)
    assert "Paid" in text and "<form" not in page and "Your card" not in text
    final = client.v1.invoices.retrieve(invoice.id)
    assert final.status == "paid" and final.amount_paid == 1234 and final.attempt_count == 2
    assert re.search(r"Paid on [A-Z][a-z]+ \d{1,2}, \d{4}", text) and "Amount paid $12.34" in text
    assert "Visa ending in 4242" in text
    succeeded = client.v1.events.list(params={"type": "invoice.payment_succeeded"}).data[0]
    assert succeeded.request.id is None  # a payer's payment, not an API request
    receipt_href = re.search(r'href="([^"]*receipt[^"]*)"', page).group(1)
    receipt = httpx.get(httpx.URL(url).join(receipt_href))
    receipt_text = visible_text(receipt.text)
    assert receipt.status_code == 200 and "Receipt" in receipt_text and "$12.34" in receipt_text
    assert invoice.number in receipt_text and "Visa ending in 4242" in receipt_text


def test_a_bad_form_redirects_with_a_message_and_charges_nothing(client):
    invoice = open_invoice(client, [(500, "Gift")])
    action = httpx.URL(invoice.hosted_invoice_url).join(pay_form_action(httpx.get(invoice.hosted_invoice_url).text))
    for data in ({}, {"payment_method": "pm_card_nonsense"}):
        answer = httpx.post(action, data=data)
        assert answer.status_code == 303
        text = visible_text(httpx.get(httpx.URL(action).join(answer.headers["location"])).text)
        assert "Choose a card to pay with." in text
    assert client.v1.invoices.retrieve(invoice.id).attempt_count == 0


def test_receipt_of_an_unpaid_invoice_is_not_there(client):
    invoice = open_invoice(client, [(500, "Gift")])
    assert httpx.get(invoice.hosted_invoice_url + "/receipt").status_code == 404


def test_void_page_names_the_replacement(client):
    first = open_invoice(client, [(40000, "Gala table")])
    customer_id = first.customer
    replacement = open_invoice(client, [(45000, "Gala table")], customer_id=customer_id)
    client.v1.invoices.void_invoice(first.id)
    page = httpx.get(first.hosted_invoice_url).text
    text = visible_text(page)
    assert "Void" in text and "<form" not in page and "Amount due" not in text
    assert f"replaced by invoice {replacement.number}" in text
    assert f'href="{replacement.hosted_invoice_url}"' in page
    # Paying a void invoice from an old tab: redirected, told why, nothing charged.
    answer = httpx.post(first.hosted_invoice_url + "/pay", data={"payment_method": "pm_card_visa"})
    assert answer.status_code == 303
    later = visible_text(httpx.get(httpx.URL(first.hosted_invoice_url).join(answer.headers["location"])).text)
    assert "can no longer be paid" in later
    assert client.v1.invoices.retrieve(first.id).status == "void"


def test_void_page_without_a_replacement(client):
    invoice = open_invoice(client, [(40000, "Gala table")])
    client.v1.invoices.void_invoice(invoice.id)
    text = visible_text(httpx.get(invoice.hosted_invoice_url).text)
    assert "Void" in text and "no longer be paid" in text and "replaced by invoice" not in text


def test_invoice_pdf_is_a_real_pdf(client):
    customer = client.v1.customers.create(params={"email": "pdf@example.org", "name": "Ren (PDF) \\ Payer"})
    draft = client.v1.invoices.create(
        params={"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30, "currency": "jpy"}
    )
    assert draft.invoice_pdf is None  # "If the invoice has not been finalized yet, this will be null."
    client.v1.invoice_items.create(
        params={
            "customer": customer.id,
            "invoice": draft.id,
            "amount": 6200,
            "currency": "jpy",
            "description": "Gala table",
        }
    )
    invoice = client.v1.invoices.finalize_invoice(draft.id)
    assert invoice.invoice_pdf and invoice.invoice_pdf.startswith(invoice.hosted_invoice_url)
    response = httpx.get(invoice.invoice_pdf)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
    # The cross-reference table points at every object, so readers need no repair.
    startxref = int(re.search(rb"startxref\s+(\d+)", body).group(1))
    assert body[startxref : startxref + 4] == b"xref"
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n", body)]
    for number, offset in enumerate(offsets, start=1):
        assert body[offset:].startswith(f"{number} 0 obj".encode())
    assert invoice.number.encode() in body and b"Gala table" in body and b"Ren \\(PDF\\) \\\\ Payer" in body
    assert b"\xa56,200" in body  # the yen sign in the standard fonts' WinAnsiEncoding
    # The page links to it.
    assert f'href="{invoice.invoice_pdf}"' in httpx.get(invoice.hosted_invoice_url).text


def test_unknown_invoice_answers_html_to_browsers_and_stripes_error_shape_to_others(client):
    invoice = open_invoice(client, [(500, "Gift")])
    missing = invoice.hosted_invoice_url + "x"
    browser = httpx.get(missing, headers={"Accept": "text/html,application/xhtml+xml"})
    assert browser.status_code == 404 and '<html lang="en">' in browser.text and "not found" in browser.text
    api = httpx.get(missing, headers={"Accept": "application/json"})
    assert api.status_code == 404
    error = api.json()["error"]
    assert error["type"] == "invalid_request_error" and "No such invoice" in error["message"]
    assert api.headers["request-id"].startswith("req_")
    assert httpx.get(missing + "/pdf").status_code == 404


def test_a_link_for_another_account_is_not_found(client):
    invoice = open_invoice(client, [(500, "Gift")])
    wrong_account = invoice.hosted_invoice_url.replace("/i/acct_", "/i/acct_0")
    assert httpx.get(wrong_account).status_code == 404
    assert httpx.post(wrong_account + "/pay", data={"payment_method": "pm_card_visa"}).status_code == 404
    assert client.v1.invoices.retrieve(invoice.id).status == "open"


def test_a_void_page_reads_only_its_customers_invoices(tmp_path):
    """The replacement of a void invoice is one of its customer's invoices: on a --db store the
    page reads those (the field index, then by id), never the bodies of every invoice."""
    from tests.stripesim.test_sqlite_field_index import _running, _scans_of_indexed_documents

    statements: list[str] = []
    with _running(tmp_path / "stripe.db", statements) as running:
        client = running.stripe_client()
        for _ in range(3):
            open_invoice(client, [(1000, "Someone else's table")])
        first = open_invoice(client, [(40000, "Gala table")])
        replacement = open_invoice(client, [(45000, "Gala table")], customer_id=first.customer)
        client.v1.invoices.void_invoice(first.id)
        statements.clear()
        text = visible_text(httpx.get(first.hosted_invoice_url).text)
    assert f"replaced by invoice {replacement.number}" in text
    assert _scans_of_indexed_documents(statements) == []
