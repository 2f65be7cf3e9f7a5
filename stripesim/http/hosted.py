"""The payer's side of an invoice, behind `hosted_invoice_url` (`/i/{account}/{token}`).

| method + path | answers |
|---|---|
| `GET /i/{account}/{token}` | the hosted invoice page (`?notice=` shows what the last payment came to) |
| `POST /i/{account}/{token}/pay` | pays with the chosen test card, then 303 back to the page (POST-redirect-GET) |
| `GET /i/{account}/{token}/receipt` | the receipt of a paid invoice |
| `GET /i/{account}/{token}/pdf` | the invoice PDF (`invoice_pdf`) |

Paying goes through the same invoice behaviour as `POST /v1/invoices/{id}/pay`, so it emits the same
events; like a customer's payment on Stripe's page, those events carry no API request id. Every form
answers 303 See Other to a GET (https://www.rfc-editor.org/rfc/rfc9110#name-303-see-other), so reloading
the page after a decline reads it again instead of paying again. Unknown links answer 404: an HTML page
to browsers, Stripe's error shape (`invalid_request_error`, `resource_missing`) to anything else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from stripesim.errors import StripeError
from stripesim.hosted import html, invoice_pdf
from stripesim.hosted.view import InvoiceView, build, find_replacement
from stripesim.http import forms
from stripesim.http.body import read_body
from stripesim.http.pipeline import Protocol
from stripesim.http.responses import error_response, new_request_id
from stripesim.json_shapes import StripeObject
from stripesim.resources import invoice_actions
from stripesim.resources.payment_methods import TEST_PAYMENT_METHODS

log = logging.getLogger("stripesim")

DECLINES = {
    f"declined_{card.decline_code}": card.message for card in TEST_PAYMENT_METHODS.values() if card.decline_code
}


@dataclass(frozen=True)
class Found:
    invoice: StripeObject
    view: InvoiceView


def _find(protocol: Protocol, account: str, token: str) -> Found | None:
    if account not in protocol.sim.account_ids():
        return None
    with protocol.sim.operation(account) as op:
        hosted = op.get("hosted", token)
        invoice = op.get("invoice", hosted["invoice"]) if hosted else None
        if invoice is None:
            return None
        replacement = None
        if invoice["status"] == "void":
            # Only the customer's own invoices can replace it (hosted/view.py): read through the
            # field index, not every invoice the store keeps (storage/field_index.py).
            replacement = find_replacement(invoice, op.tx.where("invoice", "customer", invoice["customer"]))
        return Found(invoice, build(invoice, op.now(invoice["test_clock"]), replacement))


def _notice(code: str | None, view: InvoiceView) -> tuple[str, str] | None:
    if code == "paid" and view.status == "paid":
        return "ok", f"Thank you. Your payment of {view.amount_paid} was received."
    if code == "choose_card":
        return "error", "Choose a card to pay with."
    if code in DECLINES and view.payable:
        return "error", DECLINES[code]
    if code == "not_payable" and not view.payable:
        return "error", f"This invoice can no longer be paid because it is {view.status_words.lower()}."
    if code == "failed":
        return "error", "The payment could not be made. Please try again."
    return None  # unknown or stale codes (e.g. a decline notice after the invoice was paid) show nothing


def _not_found(request: Request, token: str) -> Response:
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(html.not_found_page(), status_code=404)
    error = StripeError(f"No such invoice: '{token}'", status=404, code="resource_missing", param="invoice")
    return error_response(error, new_request_id())


def routes(protocol: Protocol) -> list[Route]:
    def base(request: Request) -> str:
        return f"/i/{quote(request.path_params['account'])}/{quote(request.path_params['token'])}"

    async def page(request: Request) -> Response:
        found = _find(protocol, request.path_params["account"], request.path_params["token"])
        if found is None:
            return _not_found(request, request.path_params["token"])
        notice = _notice(request.query_params.get("notice"), found.view)
        body = html.invoice_page(
            found.view, pay_action=f"{base(request)}/pay", receipt_url=f"{base(request)}/receipt", notice=notice
        )
        return HTMLResponse(body, headers={"Cache-Control": "no-store"})

    async def pay(request: Request) -> Response:
        account, token = request.path_params["account"], request.path_params["token"]
        found = _find(protocol, account, token)
        if found is None:
            return _not_found(request, token)
        outcome = await _pay(request, account, found.invoice)
        return RedirectResponse(f"{base(request)}?notice={outcome}", status_code=303)

    async def _pay(request: Request, account: str, invoice: StripeObject) -> str:
        try:
            form = forms.decode(await read_body(request))
        except StripeError:
            return "choose_card"
        payment_method = form.get("payment_method")
        if not isinstance(payment_method, str) or payment_method not in TEST_PAYMENT_METHODS:
            return "choose_card"
        try:
            with protocol.sim.operation(account, base_url=str(request.base_url).rstrip("/")) as op:
                current = op.require("invoice", invoice["id"], "invoice")
                if current["status"] not in ("open", "uncollectible"):
                    return "not_payable"
                invoice_actions.pay(op, current, payment_method, False)
        except StripeError as error:
            if error.type == "card_error" and error.decline_code:
                return f"declined_{error.decline_code}"
            log.warning("hosted page payment of %s failed: %s", invoice["id"], error.message)
            return "failed"
        return "paid"

    async def receipt(request: Request) -> Response:
        found = _find(protocol, request.path_params["account"], request.path_params["token"])
        if found is None or found.view.status != "paid":
            return _not_found(request, request.path_params["token"])
        return HTMLResponse(html.receipt_page(found.view, base(request)))

    async def pdf(request: Request) -> Response:
        found = _find(protocol, request.path_params["account"], request.path_params["token"])
        if found is None:
            return _not_found(request, request.path_params["token"])
        filename = f"Invoice-{found.view.number}.pdf"
        return Response(
            invoice_pdf.render(found.invoice, found.view),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{quote(filename)}"'},
        )

    return [
        Route("/i/{account}/{token}", page, methods=["GET"]),
        Route("/i/{account}/{token}/pay", pay, methods=["POST"]),
        Route("/i/{account}/{token}/receipt", receipt, methods=["GET"]),
        Route("/i/{account}/{token}/pdf", pdf, methods=["GET"]),
    ]
