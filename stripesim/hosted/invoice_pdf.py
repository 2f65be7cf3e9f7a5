"""The invoice PDF behind `invoice_pdf`: merchant, number, dates, billed-to, lines, totals, status."""

from __future__ import annotations

from stripesim.hosted import pdf
from stripesim.hosted.view import InvoiceView
from stripesim.json_shapes import StripeObject
from stripesim.resources.currencies import format_amount

LEFT, RIGHT = 54, 558
MAX_LINES = 28  # one page; further lines are summed up in one row
MAX_DESCRIPTION = 60


def _money(amount: int, currency: str) -> str:
    """The page's format where the PDF's WinAnsi fonts have the symbol ($, €, £, ¥), else the code."""
    shown = format_amount(amount, currency)
    return shown if pdf.encodable(shown) else format_amount(amount, currency, use_symbol=False)


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render(invoice: StripeObject, view: InvoiceView) -> bytes:
    currency = invoice["currency"]
    items = [
        pdf.Text(LEFT, 60, _clip(view.merchant), 16, bold=True),
        pdf.Text(RIGHT, 60, "Invoice", 16, bold=True, align_right=True),
        pdf.Text(LEFT, 100, f"Invoice number: {view.number}"),
        pdf.Text(LEFT, 114, f"Date of issue: {view.issued or '-'}"),
        pdf.Text(LEFT, 128, f"Date due: {view.due or '-'}"),
        pdf.Text(LEFT, 142, f"Status: {view.status_words}"),
        pdf.Text(LEFT, 172, "Bill to", bold=True),
        pdf.Text(LEFT, 186, _clip(view.customer_name or "-")),
        pdf.Text(LEFT, 200, _clip(view.customer_email)),
    ]
    y = 230
    if view.description:
        items.append(pdf.Text(LEFT, y, _clip(view.description, 90)))
        y += 24
    items += [
        pdf.Text(LEFT, y, "Description", bold=True),
        pdf.Text(360, y, "Qty", bold=True, align_right=True),
        pdf.Text(460, y, "Unit price", bold=True, align_right=True),
        pdf.Text(RIGHT, y, "Amount", bold=True, align_right=True),
    ]
    lines = invoice["lines"]["data"]
    for line in lines[:MAX_LINES]:
        y += 16
        quantity = line.get("quantity") or 1
        items += [
            pdf.Text(LEFT, y, _clip(line.get("description") or "")),
            pdf.Text(360, y, str(quantity), align_right=True),
            pdf.Text(460, y, _money(line["amount"] // quantity, currency), align_right=True),
            pdf.Text(RIGHT, y, _money(line["amount"], currency), align_right=True),
        ]
    if len(lines) > MAX_LINES:
        y += 16
        rest = sum(line["amount"] for line in lines[MAX_LINES:])
        items += [
            pdf.Text(LEFT, y, f"{len(lines) - MAX_LINES} more items"),
            pdf.Text(RIGHT, y, _money(rest, currency), align_right=True),
        ]
    y += 28
    totals = [("Subtotal", invoice["subtotal"]), ("Total", invoice["total"]), ("Amount due", invoice["amount_due"])]
    if invoice["status"] == "paid":
        totals.append(("Amount paid", invoice["amount_paid"]))
    for label, amount in totals:
        items += [
            pdf.Text(460, y, label, bold=label == "Amount due", align_right=True),
            pdf.Text(RIGHT, y, _money(amount, currency), bold=label == "Amount due", align_right=True),
        ]
        y += 16
    if view.status == "paid":
        items.append(pdf.Text(LEFT, y + 12, f"Paid on {view.paid_on} ({view.paid_with or 'recorded payment'})."))
    elif view.status == "void":
        items.append(pdf.Text(LEFT, y + 12, "This invoice is void and can no longer be paid."))
    if view.footer:
        items.append(pdf.Text(LEFT, 740, _clip(view.footer, 100), 8))
    items.append(pdf.Text(LEFT, 756, "Test mode: no real money moves.", 8))
    return pdf.build(items, f"Invoice {view.number}")
