"""The invoice emails Stripe would send to the payer, recorded instead of sent.

`POST /v1/invoices/{id}/send` "manually send[s] an invoice to your customer out of the normal
schedule" and emits `invoice.sent`; Stripe's test mode sends no email ("Requests made in
test-mode result in no emails being sent, despite sending an invoice.sent event" —
https://docs.stripe.com/api/invoices/send). Finalizing a `send_invoice` invoice with
`auto_advance=true` makes Stripe email it to `customer.email`
(https://docs.stripe.com/invoicing/integration/automatic-advancement-collection and
https://stripe.com/docs/billing/invoices/sending: "Stripe sends one-off invoices to the email
address associated with the customer"). The emulator records one message per send so tests
can see what the payer would receive: `GET /_sim/sent_emails`.
"""

from __future__ import annotations

from stripesim import ids
from stripesim.context import Operation
from stripesim.json_shapes import StripeObject
from stripesim.storage.field_index import FIELDS

KIND = "sent_email"
FILTERS = FIELDS[KIND]  # each filter reads through the field index


def record(op: Operation, invoice: StripeObject, customer: StripeObject, trigger: str) -> StripeObject:
    """Store the message for `invoice` (already open, numbered, with its hosted URL)."""
    message = {
        "id": ids.new_id("sent_email"),
        "object": "sent_email",
        "created": op.now(invoice["test_clock"]),
        "to": customer["email"],
        "subject": f"Invoice {invoice['number']} from {invoice['account_name']}",
        "customer": customer["id"],
        "invoice": invoice["id"],
        "number": invoice["number"],
        "hosted_invoice_url": invoice["hosted_invoice_url"],
        "amount_due": invoice["amount_due"],
        "currency": invoice["currency"],
        "due_date": invoice["due_date"],
        "trigger": trigger,  # "send" (POST /send) or "finalize" (auto_advance on a send_invoice invoice)
    }
    op.tx.put(KIND, message["id"], message)
    return message


def listing(op: Operation, filters: dict[str, str]) -> list[StripeObject]:
    """Oldest first, like orgsim's outbox. A filtered listing reads only the messages the field
    index gives for one of its filters (storage/field_index.py), each checked against all of
    them, so its cost is the matching messages', not every message the store has kept."""
    if not filters:
        return op.tx.scan(KIND)
    field, value = min(filters.items())
    return [m for m in op.tx.where(KIND, field, value) if all(m[k] == v for k, v in filters.items())]
