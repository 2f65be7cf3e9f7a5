"""HTML for the hosted invoice page, its receipt and "not found": plain, accessible, phone-sized.

Every page has `lang`, a viewport meta (a phone otherwise draws it at desktop width, scaled down), one
`<h1>`, landmarks (`header`, `main`, `footer`), labelled form controls, and colours with at least 4.5:1
contrast (WCAG 2.1, 1.4.3); axe-core finds nothing (tests/browser/). All text is escaped.
"""

from __future__ import annotations

from html import escape

from stripesim.hosted.view import InvoiceView, card_words
from stripesim.resources.payment_methods import TEST_PAYMENT_METHODS

STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1f36;background:#f6f8fa;
line-height:1.45;overflow-wrap:anywhere}
.page{max-width:40rem;margin:0 auto;padding:1rem}
header{padding:.5rem 0}.merchant{font-weight:600;font-size:1.1rem;margin:0}
main{background:#fff;border:1px solid #d5dbe1;border-radius:.5rem;padding:1rem 1.25rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.4rem 0 .4rem}
.due{font-size:1.05rem;margin:.2rem 0 .8rem}
.status{display:inline-block;padding:.05rem .55rem;border-radius:.3rem;font-weight:600;font-size:.9rem}
.status-open,.status-draft{background:#e3e8ee;color:#1a1f36}.status-paid{background:#d7f7e0;color:#0b5130}
.status-void{background:#e3e8ee;color:#3c4257}.status-overdue,.status-uncollectible{background:#ffe3e6;color:#8a1028}
dl.facts{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem;margin:.6rem 0}dl.facts dt{color:#4f566b}
dl.facts dd{margin:0}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{padding:.45rem .3rem;border-bottom:1px solid #e3e8ee;text-align:left;vertical-align:top}
th{color:#4f566b;font-weight:600}.num{text-align:right;white-space:nowrap}
tfoot th{color:#1a1f36}
.notice{padding:.6rem .8rem;border-radius:.4rem;margin:.8rem 0;font-weight:600}
.notice-error{background:#ffe3e6;color:#8a1028}.notice-ok{background:#d7f7e0;color:#0b5130}
fieldset{border:1px solid #d5dbe1;border-radius:.4rem;margin:.8rem 0;padding:.4rem .8rem}
legend{font-weight:600;padding:0 .3rem}
.card{display:flex;gap:.5rem;align-items:center;padding:.35rem 0}
.card input{width:1.2rem;height:1.2rem;margin:0}.last4{color:#4f566b}
button{background:#4b44d6;color:#fff;border:0;padding:.75rem 1.2rem;border-radius:.4rem;font-size:1rem;
font-weight:600;width:100%;cursor:pointer}
button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #1a1f36;outline-offset:2px}
a{color:#3a33c4}
.actions{display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;margin:.8rem 0}
footer{color:#4f566b;font-size:.85rem;padding:1rem 0}
@media (max-width:30rem){.page{padding:.5rem}main{padding:.8rem}th,td{padding:.4rem .2rem}table{font-size:.9rem}}
"""


def _document(title: str, merchant: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<div class="page">\n'
        f'<header><p class="merchant">{escape(merchant)}</p></header>\n'
        f"<main>\n{body}</main>\n"
        "<footer><p>Test mode: no real money moves.</p>"
        "</footer>\n</div>\n</body>\n</html>\n"
    )


def _facts(rows: list[tuple[str, str | None]]) -> str:
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows if v)
    return f'<dl class="facts">{items}</dl>\n'


def _lines(view: InvoiceView) -> str:
    rows = "".join(
        f'<tr><td>{escape(line.description) or "(no description)"}</td><td class="num">{line.quantity}</td>'
        f'<td class="num">{escape(line.unit_price)}</td><td class="num">{escape(line.amount)}</td></tr>'
        for line in view.lines
    )
    return (
        '<h2 id="items">Items</h2>\n<table aria-labelledby="items">\n<thead><tr><th scope="col">Description</th>'
        '<th scope="col" class="num">Qty</th><th scope="col" class="num">Unit price</th>'
        f'<th scope="col" class="num">Amount</th></tr></thead>\n<tbody>{rows}</tbody>\n<tfoot>'
        f'<tr><th scope="row" colspan="3">Subtotal</th><td class="num">{escape(view.subtotal)}</td></tr>'
        f'<tr><th scope="row" colspan="3">Total</th><td class="num">{escape(view.total)}</td></tr>'
        + (
            ""
            if view.status == "void"
            else f'<tr><th scope="row" colspan="3">Amount due</th><td class="num" id="amount-remaining">'
            f"{escape(view.amount_remaining)}</td></tr>"
        )
        + "</tfoot>\n</table>\n"
    )


def _pay_form(view: InvoiceView, action: str) -> str:
    options = []
    for index, (pm, card) in enumerate(TEST_PAYMENT_METHODS.items()):
        checked = " checked" if index == 0 else ""
        options.append(
            f'<div class="card"><input type="radio" name="payment_method" id="card-{index}" value="{escape(pm)}"'
            f'{checked}><label for="card-{index}">{escape(card_words(card))} '
            f'<span class="last4">(card ending in {card.last4})</span></label></div>'
        )
    return (
        f'<form method="post" action="{escape(action)}">\n<fieldset><legend>Pay with a test card</legend>'
        f"{''.join(options)}</fieldset>\n"
        f'<button type="submit">Pay {escape(view.amount_remaining)}</button>\n</form>\n'
    )


def _status(view: InvoiceView) -> str:
    return (
        f'<p>Status: <span class="status status-{escape(view.status_words.lower().replace(" ", "-"))}" '
        f'id="status">{escape(view.status_words)}</span></p>\n'
    )


def invoice_page(view: InvoiceView, *, pay_action: str, receipt_url: str, notice: tuple[str, str] | None) -> str:
    """`notice` is (kind, text), kind `error` or `ok`: what the last form submission came to."""
    parts = [f"<h1>Invoice {escape(view.number)}</h1>\n"]
    if view.status == "paid":
        parts.append(f'<p class="due">{escape(view.amount_paid)} paid on {escape(view.paid_on or "")}</p>\n')
    elif view.status == "void":
        parts.append('<p class="due">This invoice is void and can no longer be paid.</p>\n')
    else:
        due = f" due {escape(view.due)}" if view.due else ""
        parts.append(f'<p class="due"><strong>{escape(view.amount_remaining)}</strong>{due}</p>\n')
    parts.append(_status(view))
    if notice:
        kind, text = notice
        role = "alert" if kind == "error" else "status"
        parts.append(f'<p class="notice notice-{kind}" id="notice" role="{role}">{escape(text)}</p>\n')
    if view.status == "void":
        parts.append(_void_explanation(view))
    parts.append(
        _facts(
            [
                ("Invoice number", view.number),
                ("Billed to", view.customer_name),
                ("Email", view.customer_email),
                ("Issued", view.issued),
                ("Due", view.due if view.status != "void" else None),
                ("From", view.merchant),
                ("Voided on", view.voided_on),
            ]
        )
    )
    if view.description:
        parts.append(f'<p id="description">{escape(view.description)}</p>\n')
    parts.append(_lines(view))
    if view.status == "paid":
        parts.append(
            '<h2 id="payment">Payment</h2>\n'
            + _facts([("Paid on", view.paid_on), ("Amount paid", view.amount_paid), ("Payment method", view.paid_with)])
        )
    actions = []
    if view.pdf_url:
        actions.append(f'<a href="{escape(view.pdf_url)}">Download invoice (PDF)</a>')
    if view.status == "paid":
        actions.append(f'<a href="{escape(receipt_url)}">View receipt</a>')
    if actions:
        parts.append(f'<p class="actions">{"".join(actions)}</p>\n')
    if view.payable:
        parts.append('<h2 id="pay">Pay this invoice</h2>\n' + _pay_form(view, pay_action))
    if view.footer:
        parts.append(f"<p>{escape(view.footer)}</p>\n")
    return _document(f"Invoice {view.number} from {view.merchant}", view.merchant, "".join(parts))


def _void_explanation(view: InvoiceView) -> str:
    if view.replacement is not None:
        r = view.replacement
        return (
            f'<p id="replaced">This invoice was replaced by invoice {escape(r.number)} '
            f"for {escape(r.amount_due)}. "
            f'<a href="{escape(r.url)}">View and pay invoice {escape(r.number)}</a></p>\n'
        )
    return (
        f'<p id="replaced">{escape(view.merchant)} voided this invoice, usually because a corrected one '
        "was issued instead. Look for a newer invoice, or contact them.</p>\n"
    )


def receipt_page(view: InvoiceView, invoice_url: str) -> str:
    body = (
        f"<h1>Receipt for invoice {escape(view.number)}</h1>\n"
        f'<p class="due">{escape(view.amount_paid)} paid on {escape(view.paid_on or "")}</p>\n'
        + _facts(
            [
                ("Receipt from", view.merchant),
                ("Invoice number", view.number),
                ("Billed to", view.customer_name),
                ("Email", view.customer_email),
                ("Date paid", view.paid_on),
                ("Amount paid", view.amount_paid),
                ("Payment method", view.paid_with),
            ]
        )
        + _lines(view)
        + f'<p class="actions"><a href="{escape(invoice_url)}">Back to the invoice</a></p>\n'
    )
    return _document(f"Receipt for invoice {view.number} from {view.merchant}", view.merchant, body)


def not_found_page() -> str:
    body = (
        "<h1>Invoice not found</h1>\n<p>This link does not lead to an invoice. Check the link in your "
        "email, or ask the sender for a new one.</p>\n"
    )
    return _document("Invoice not found", "stripesim", body)
