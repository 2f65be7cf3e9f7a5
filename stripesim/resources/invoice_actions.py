"""What happens to an invoice on finalize, pay, void, mark_uncollectible, send and overdue.

Shared by the API handlers, the hosted invoice page and the scheduler (test clocks,
auto-advance), so every path emits the same events.
"""

from __future__ import annotations

from stripesim import ids
from stripesim.context import Operation
from stripesim.errors import StripeError
from stripesim.json_shapes import StripeObject
from stripesim.resources import events, sent_emails
from stripesim.resources.account import account_name
from stripesim.resources.invoice_model import freeze_customer_fields, recompute_totals, render_invoice
from stripesim.resources.invoice_state import OPEN, PAID, UNCOLLECTIBLE, VOID, InvoiceStateMachine
from stripesim.resources.payer_email import require_email_for_delivery
from stripesim.resources.payment_methods import decline_error, require_payment_method
from stripesim.resources.scheduler import unwatch, watch

DAY = 86400


def _save(op: Operation, invoice: StripeObject) -> StripeObject:
    if invoice["status"] in (PAID, VOID, UNCOLLECTIBLE):
        unwatch(op, invoice, "overdue")  # only open invoices become overdue
    op.put("invoice", invoice)
    return render_invoice(op, invoice)


def _emit(op: Operation, type: str, invoice: StripeObject, previous: StripeObject | None = None) -> None:
    events.emit(op, type, render_invoice(op, invoice), previous, created=op.now(invoice["test_clock"]))


def finalize(op: Operation, invoice: StripeObject, auto_advance: bool | None = None) -> StripeObject:
    InvoiceStateMachine.check("finalize", invoice)
    now = op.now(invoice["test_clock"])
    customer = op.require("customer", invoice["customer"], "customer")
    if invoice["collection_method"] == "send_invoice":
        require_email_for_delivery(customer, "finalizing")
    if auto_advance is not None:
        invoice["auto_advance"] = auto_advance
    freeze_customer_fields(invoice, customer)  # the invoice keeps the customer's details of this moment
    invoice["status"] = OPEN
    invoice["automatically_finalizes_at"] = None
    invoice["number"] = f"{customer['invoice_prefix']}-{customer['next_invoice_sequence']:04d}"
    customer["next_invoice_sequence"] += 1
    op.put("customer", customer)
    invoice["effective_at"] = now
    invoice["ending_balance"] = 0
    invoice["status_transitions"]["finalized_at"] = now
    if invoice["collection_method"] == "send_invoice" and invoice.get("_days_until_due") is not None:
        # Stripe counts days_until_due from finalization.
        invoice["due_date"] = now + DAY * invoice["_days_until_due"]
    token = ids.new_id("hosted_token", 32)
    op.tx.put("hosted", token, {"id": token, "invoice": invoice["id"]})
    invoice["_hosted_token"] = token
    invoice["hosted_invoice_url"] = f"{op.base_url or op.sim.public_url}/i/{op.account}/{token}"
    # "The link to download the PDF for the invoice. If the invoice has not been finalized yet, this will be
    # null." (the SDK's Invoice.invoice_pdf); served beside the hosted page (stripesim/http/hosted.py).
    invoice["invoice_pdf"] = f"{invoice['hosted_invoice_url']}/pdf"
    # The invoice is issued under the business name of this moment (a later rename leaves it as it was).
    invoice["account_name"] = account_name(op)
    recompute_totals(invoice)
    if invoice["due_date"] is not None:
        watch(op, invoice, "overdue", invoice["due_date"])
    _save(op, invoice)
    _emit(op, "invoice.finalized", invoice)
    if invoice["amount_due"] == 0:
        # Stripe marks a zero-amount invoice paid as soon as it is finalized.
        _mark_paid(op, invoice, now, succeeded_event=True)
    elif invoice["collection_method"] == "send_invoice" and invoice["auto_advance"]:
        send(op, invoice, trigger="finalize")
    return render_invoice(op, invoice)


def send(op: Operation, invoice: StripeObject, trigger: str = "send") -> StripeObject:
    """Email the invoice: the emulator records the message (`sent_emails`) and emits `invoice.sent`."""
    if invoice["collection_method"] != "send_invoice":
        raise StripeError("You can only manually send an invoice if its collection method is 'send_invoice'.")
    InvoiceStateMachine.check("send", invoice)
    customer = op.require("customer", invoice["customer"], "customer")
    require_email_for_delivery(customer, "sending")
    if invoice["status"] == "draft":
        finalize(op, invoice)
        invoice = op.require("invoice", invoice["id"], "invoice")
        if invoice["status"] != OPEN or invoice["auto_advance"]:
            return render_invoice(op, invoice)  # already paid (zero amount) or sent by finalize
    invoice["_sent_at"] = op.now(invoice["test_clock"])
    sent_emails.record(op, invoice, customer, trigger)
    _save(op, invoice)
    _emit(op, "invoice.sent", invoice)
    return render_invoice(op, invoice)


def pay(op: Operation, invoice: StripeObject, payment_method: str | None, paid_out_of_band: bool) -> StripeObject:
    InvoiceStateMachine.check("pay", invoice)
    if paid_out_of_band and payment_method:
        raise StripeError(
            "You cannot pass `payment_method` together with `paid_out_of_band`.", param="paid_out_of_band"
        )
    card = None
    if not paid_out_of_band:
        if payment_method is None:
            customer = op.require("customer", invoice["customer"], "customer")
            payment_method = (customer.get("invoice_settings") or {}).get("default_payment_method")
            if not payment_method:
                raise StripeError(
                    "This customer has no attached payment source or default payment method. Please consider "
                    "adding a default payment method, or pass `payment_method`.",
                    param="payment_method",
                )
        card = require_payment_method(payment_method)
    if invoice["status"] == "draft":
        finalize(op, invoice)
        invoice = op.require("invoice", invoice["id"], "invoice")
        if invoice["status"] == PAID:
            return render_invoice(op, invoice)
    now = op.now(invoice["test_clock"])
    if paid_out_of_band:
        _mark_paid(op, invoice, now, succeeded_event=False)
        return render_invoice(op, invoice)
    assert card is not None  # set whenever the invoice is not paid out of band
    invoice["attempt_count"] += 1
    invoice["attempted"] = True
    if card.decline_code is not None:
        _save(op, invoice)
        _emit(op, "invoice.payment_failed", invoice)
        # The failure is recorded (attempt, event) even though the request answers 402.
        op.notes["commit_despite_error"] = True
        raise decline_error(card, ids.new_id("charge"))
    invoice["_paid_with"] = payment_method  # for the hosted page's paid details and receipt
    _mark_paid(op, invoice, now, succeeded_event=True)
    return render_invoice(op, invoice)


def _mark_paid(op: Operation, invoice: StripeObject, now: int, *, succeeded_event: bool) -> None:
    invoice["status"] = PAID
    invoice["amount_paid"] = invoice["amount_due"]
    invoice["amount_remaining"] = 0
    invoice["status_transitions"]["paid_at"] = now
    invoice["auto_advance"] = False
    _save(op, invoice)
    _emit(op, "invoice.paid", invoice)
    if succeeded_event:
        _emit(op, "invoice.payment_succeeded", invoice)


def _close(op: Operation, invoice: StripeObject, action: str, timestamp_field: str, event_type: str) -> StripeObject:
    """A terminal-ish transition (void, uncollectible): stamp it, stop auto-advance, emit."""
    invoice["status"] = InvoiceStateMachine.check(action, invoice)
    invoice["status_transitions"][timestamp_field] = op.now(invoice["test_clock"])
    invoice["auto_advance"] = False
    _save(op, invoice)
    _emit(op, event_type, invoice)
    return render_invoice(op, invoice)


def void(op: Operation, invoice: StripeObject) -> StripeObject:
    return _close(op, invoice, "void", "voided_at", "invoice.voided")


def mark_uncollectible(op: Operation, invoice: StripeObject) -> StripeObject:
    return _close(op, invoice, "mark_uncollectible", "marked_uncollectible_at", "invoice.marked_uncollectible")


def mark_overdue(op: Operation, invoice: StripeObject) -> bool:
    """Emit `invoice.overdue` once, when an open invoice's due date has passed."""
    if not InvoiceStateMachine.allowed("overdue", invoice["status"]) or invoice.get("_overdue_at"):
        return False
    invoice["_overdue_at"] = op.now(invoice["test_clock"])
    _save(op, invoice)
    _emit(op, "invoice.overdue", invoice)
    return True
