"""Invoices sent to the customer need the customer's email.

Stripe refuses `POST /v1/invoices` with `collection_method=send_invoice` for a customer that
has no email: HTTP 400, `type` `invalid_request_error`, no `code`, no `param`, message
"Missing email. In order to create invoices that are sent to the customer, the customer must
have a valid email." Source: the full error body Stripe returned to `stripe invoices create
--customer=... -d collection_method=send_invoice -d days_until_due=30` for a customer created
without email, published at
https://dev.classmethod.jp/articles/stripe-create-invoice-with-no-name-customer (2023), and the
400 status for `invalid_request_error` at https://docs.stripe.com/api/errors.

No source documents what Stripe answers when a draft is switched to `send_invoice`, or a
`send_invoice` invoice is finalized or sent after its customer's email was removed: the emulator
refuses those with `behavior_not_emulated` rather than guess.
"""

from __future__ import annotations

from stripesim.errors import StripeError, behavior_not_emulated
from stripesim.json_shapes import StripeObject

MISSING_EMAIL = (
    "Missing email. In order to create invoices that are sent to the customer, the customer must have a valid email."
)


def require_email_for_create(customer: StripeObject, collection_method: str) -> None:
    if collection_method == "send_invoice" and not customer.get("email"):
        # Executed and refused by the endpoint itself: saved for idempotency like other endpoint errors.
        raise StripeError(MISSING_EMAIL)


def require_email_for_switch(customer: StripeObject) -> None:
    if not customer.get("email"):
        raise behavior_not_emulated(
            f"switching a draft invoice to collection_method=send_invoice for customer {customer['id']}, which has "
            f"no email (Stripe refuses creating such an invoice; its answer to the switch is not documented).",
            param="collection_method",
        )


def require_email_for_delivery(customer: StripeObject, action: str) -> None:
    if not customer.get("email"):
        raise behavior_not_emulated(
            f"{action} a send_invoice invoice whose customer {customer['id']} has no email any more (Stripe's "
            f"answer is not documented)."
        )
