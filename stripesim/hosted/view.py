"""The invoice as a payer reads it: words and formatted money, computed once for the page, receipt and PDF.

Modelled on Stripe's hosted invoice page (https://docs.stripe.com/invoicing/hosted-invoice-page): the
merchant's name, amount due and due date, the invoice number, who it is billed to, line items with
quantity and unit price, the total, and a way to pay; once paid, the payment and a receipt; a void
invoice cannot be paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stripesim.json_shapes import StripeObject
from stripesim.resources.currencies import format_amount
from stripesim.resources.payment_methods import TEST_PAYMENT_METHODS, TestCard

PAYABLE = ("open", "uncollectible")
BRANDS = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express"}


def card_words(card: TestCard) -> str:
    """A test card in words: "Visa (succeeds)", "Declined: insufficient funds"."""
    if card.decline_code is None:
        return f"{BRANDS.get(card.brand, card.brand.title())} (succeeds)"
    reason = "card declined" if card.decline_code == "generic_decline" else card.decline_code.replace("_", " ")
    return f"Declined: {reason}"


def card_used(payment_method: str | None) -> str | None:
    card = TEST_PAYMENT_METHODS.get(payment_method or "")
    return f"{BRANDS.get(card.brand, card.brand.title())} ending in {card.last4}" if card else None


def date_words(timestamp: int | None) -> str | None:
    if timestamp is None:
        return None
    day = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc)
    return f"{day:%B} {day.day}, {day.year}"


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int
    unit_price: str
    amount: str


@dataclass(frozen=True)
class Replacement:
    number: str
    url: str
    amount_due: str


@dataclass(frozen=True)
class InvoiceView:
    merchant: str
    number: str
    status: str  # draft, open, paid, void, uncollectible
    status_words: str
    payable: bool
    customer_name: str
    customer_email: str
    description: str
    issued: str | None
    due: str | None
    lines: list[Line]
    subtotal: str
    total: str
    amount_due: str
    amount_remaining: str
    amount_paid: str
    paid_on: str | None
    paid_with: str | None
    voided_on: str | None
    replacement: Replacement | None
    pdf_url: str | None
    footer: str


def build(invoice: StripeObject, now: int, replacement: StripeObject | None = None) -> InvoiceView:
    currency = invoice["currency"]

    def money(amount: int) -> str:
        return format_amount(amount, currency)

    status = invoice["status"]
    overdue = status == "open" and invoice["due_date"] is not None and now > invoice["due_date"]
    words = {
        "draft": "Draft",
        "open": "Overdue" if overdue else "Open",
        "paid": "Paid",
        "void": "Void",
        "uncollectible": "Past due",
    }[status]
    lines = []
    for line in invoice["lines"]["data"]:
        quantity = line.get("quantity") or 1
        lines.append(
            Line(line.get("description") or "", quantity, money(line["amount"] // quantity), money(line["amount"]))
        )
    transitions = invoice["status_transitions"]
    return InvoiceView(
        merchant=invoice.get("account_name") or "",
        number=invoice["number"] or invoice["id"],
        status=status,
        status_words=words,
        payable=status in PAYABLE,
        customer_name=invoice.get("customer_name") or "",
        customer_email=invoice.get("customer_email") or "",
        description=invoice.get("description") or "",
        issued=date_words(transitions.get("finalized_at") or invoice["created"]),
        due=date_words(invoice["due_date"]),
        lines=lines,
        subtotal=money(invoice["subtotal"]),
        total=money(invoice["total"]),
        amount_due=money(invoice["amount_due"]),
        amount_remaining=money(invoice["amount_remaining"]),
        amount_paid=money(invoice["amount_paid"]),
        paid_on=date_words(transitions.get("paid_at")),
        paid_with=card_used(invoice.get("_paid_with")),
        voided_on=date_words(transitions.get("voided_at")),
        replacement=None
        if replacement is None
        else Replacement(
            replacement["number"] or replacement["id"],
            replacement["hosted_invoice_url"],
            format_amount(replacement["amount_due"], replacement["currency"]),
        ),
        pdf_url=invoice.get("invoice_pdf"),
        footer=invoice.get("footer") or "",
    )


def find_replacement(invoice: StripeObject, candidates: list[StripeObject]) -> StripeObject | None:
    """The invoice that replaced a void one, when the data says so.

    Stripe keeps no link between a voided invoice and the one issued instead, unless the merchant made
    one (`from_invoice` is for revisions, which stripesim does not emulate). sfpay reissues an invoice
    for the same customer with the same description, so the newest other invoice of that customer with
    the same non-empty description, created no earlier and still current, is taken as its replacement.
    """
    if invoice["status"] != "void" or not invoice.get("description"):
        return None
    matches = [
        c
        for c in candidates
        if c["id"] != invoice["id"]
        and c["customer"] == invoice["customer"]
        and c.get("description") == invoice["description"]
        and c["created"] >= invoice["created"]
        and c["status"] in ("open", "paid", "uncollectible")
        and c.get("hosted_invoice_url")
    ]
    return max(matches, key=lambda c: (c["created"], c["id"]), default=None)
