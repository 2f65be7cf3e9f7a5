"""The hosted invoice page behind `hosted_invoice_url` (`/i/{account}/{token}`).

Shows the invoice (number, customer, lines, totals, status) and, while it can be paid, a
form to pay it with one of Stripe's test cards. Paying goes through the same invoice
behaviour as `POST /v1/invoices/{id}/pay`, so it emits the same events; like a customer's
payment on Stripe's page, those events carry no API request id.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from stripesim.errors import StripeError
from stripesim.http import forms
from stripesim.http.pipeline import Protocol
from stripesim.resources import invoice_actions
from stripesim.resources.payment_methods import TEST_PAYMENT_METHODS

PAYABLE = ("open", "uncollectible")

STYLE = """
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;color:#1a1f36}
table{width:100%;border-collapse:collapse}td,th{padding:.4rem;border-bottom:1px solid #e3e8ee;text-align:left}
.amount{text-align:right}.status{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;background:#e3e8ee}
.error{color:#c0123c;font-weight:600}button{background:#635bff;color:#fff;border:0;padding:.6rem 1.2rem;
border-radius:.3rem;font-size:1rem}
"""


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:,.2f} {currency.upper()}"


def _date(timestamp: int | None) -> str:
    if timestamp is None:
        return "-"
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m-%d")


def _find(protocol: Protocol, account: str, token: str) -> dict | None:
    if account not in protocol.sim.account_ids():
        return None
    with protocol.sim.operation(account) as op:
        hosted = op.get("hosted", token)
        return op.get("invoice", hosted["invoice"]) if hosted else None


def render_page(invoice: dict, account: str, token: str, error: str | None = None) -> str:
    currency = invoice["currency"]
    rows = "".join(
        f"<tr><td>{escape(line['description'] or '')}</td>"
        f"<td class='amount'>{escape(_money(line['amount'], currency))}</td></tr>"
        for line in invoice["lines"]["data"]
    )
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Invoice {escape(invoice['number'] or invoice['id'])}</title><style>{STYLE}</style></head><body>",
        f"<h1>Invoice {escape(invoice['number'] or '')}</h1>",
        f"<p>Status: <span class='status' id='status'>{escape(invoice['status'])}</span></p>",
        f"<p>Billed to: {escape(invoice['customer_name'] or '')} {escape(invoice['customer_email'] or '')}</p>",
        f"<p>{escape(invoice['description'] or '')}</p>",
        f"<p>Due: {escape(_date(invoice['due_date']))}</p>",
        f"<table><tr><th>Description</th><th class='amount'>Amount</th></tr>{rows}",
        f"<tr><th>Total</th><th class='amount'>{escape(_money(invoice['total'], currency))}</th></tr>",
        f"<tr><th>Amount due</th><th class='amount' id='amount-remaining'>"
        f"{escape(_money(invoice['amount_remaining'], currency))}</th></tr></table>",
    ]
    if error:
        parts.append(f"<p class='error' id='error'>{escape(error)}</p>")
    if invoice["status"] in PAYABLE:
        options = "".join(
            f"<label><input type='radio' name='payment_method' value='{pm}'{' checked' if i == 0 else ''}> "
            f"{escape(card.brand)} •••• {card.last4} ({pm})</label><br>"
            for i, (pm, card) in enumerate(TEST_PAYMENT_METHODS.items())
        )
        parts.append(
            f"<form method='post' action='/i/{escape(account)}/{escape(token)}/pay'><fieldset>"
            f"<legend>Pay with a test card</legend>{options}</fieldset>"
            f"<p><button type='submit'>Pay {escape(_money(invoice['amount_remaining'], currency))}</button></p>"
            "</form>"
        )
    elif invoice["status"] == "paid":
        parts.append("<p id='paid'>This invoice has been paid. Thank you.</p>")
    parts.append("</body></html>")
    return "".join(parts)


def routes(protocol: Protocol) -> list[Route]:
    async def page(request: Request) -> Response:
        account, token = request.path_params["account"], request.path_params["token"]
        invoice = _find(protocol, account, token)
        if invoice is None:
            return HTMLResponse("<h1>Invoice not found</h1>", status_code=404)
        return HTMLResponse(render_page(invoice, account, token))

    async def pay(request: Request) -> Response:
        account, token = request.path_params["account"], request.path_params["token"]
        invoice = _find(protocol, account, token)
        if invoice is None:
            return HTMLResponse("<h1>Invoice not found</h1>", status_code=404)
        try:
            form = forms.decode(await request.body())
        except StripeError as error:
            return HTMLResponse(render_page(invoice, account, token, error.message), status_code=400)
        payment_method = form.get("payment_method")
        if not isinstance(payment_method, str) or payment_method not in TEST_PAYMENT_METHODS:
            return HTMLResponse(render_page(invoice, account, token, "Choose one of the test cards."),
                                status_code=400)
        try:
            with protocol.sim.operation(account, base_url=str(request.base_url).rstrip("/")) as op:
                current = op.require("invoice", invoice["id"], "invoice")
                invoice_actions.pay(op, current, payment_method, False)
        except StripeError as error:
            latest = _find(protocol, account, token) or invoice
            return HTMLResponse(render_page(latest, account, token, error.message), status_code=error.status)
        return RedirectResponse(f"/i/{account}/{token}", status_code=303)

    return [
        Route("/i/{account}/{token}", page, methods=["GET"]),
        Route("/i/{account}/{token}/pay", pay, methods=["POST"]),
    ]
