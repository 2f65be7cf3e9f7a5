"""The invoice state machine: which action is allowed in which status, and Stripe's errors.

draft -> (finalize) open -> paid | void | uncollectible; uncollectible -> paid | void.
Paying or sending a draft finalizes it first, as Stripe does.
"""

from __future__ import annotations

from stripesim.errors import StripeError
from stripesim.json_shapes import StripeObject

DRAFT, OPEN, PAID, VOID, UNCOLLECTIBLE = "draft", "open", "paid", "void", "uncollectible"


class InvoiceStateMachine:
    # action -> {status it may start from: status it ends in}
    TRANSITIONS: dict[str, dict[str, str]] = {
        "finalize": {DRAFT: OPEN},
        "pay": {DRAFT: PAID, OPEN: PAID, UNCOLLECTIBLE: PAID},
        "void": {OPEN: VOID, UNCOLLECTIBLE: VOID},
        "mark_uncollectible": {OPEN: UNCOLLECTIBLE},
        "send": {DRAFT: OPEN, OPEN: OPEN},
        "delete": {DRAFT: DRAFT},
        "edit_lines": {DRAFT: DRAFT},
        "overdue": {OPEN: OPEN},
    }

    @classmethod
    def allowed(cls, action: str, status: str) -> bool:
        return status in cls.TRANSITIONS[action]

    @classmethod
    def target(cls, action: str, status: str) -> str:
        return cls.TRANSITIONS[action][status]

    @classmethod
    def check(cls, action: str, invoice: StripeObject) -> str:
        """Return the status `action` leads to, or raise the error Stripe returns."""
        status = invoice["status"]
        if cls.allowed(action, status):
            return cls.target(action, status)
        raise cls.error(action, invoice)

    @staticmethod
    def error(action: str, invoice: StripeObject) -> StripeError:
        status = invoice["status"]
        if action == "finalize":
            return StripeError("This invoice is already finalized, you can't re-finalize a non-draft invoice.")
        if action == "pay":
            if status == PAID:
                return StripeError("Invoice is already paid")
            return StripeError(f"This invoice can no longer be paid because it is {status}.")
        if action == "void":
            if status == DRAFT:
                return StripeError(
                    "You can only void invoices that are open or uncollectible. Draft invoices can be deleted instead."
                )
            return StripeError(f"You can only void invoices that are open or uncollectible. This invoice is {status}.")
        if action == "mark_uncollectible":
            return StripeError(f"You can only mark open invoices as uncollectible. This invoice is {status}.")
        if action == "send":
            return StripeError(f"You can't send an invoice that is {status}.")
        if action == "delete":
            return StripeError("You can only delete draft invoices. Finalized invoices can be voided instead.")
        if action == "edit_lines":
            return StripeError(
                f"Invoice {invoice['id']} is no longer editable: invoice items can only be added to or removed "
                f"from draft invoices (this invoice is {status}).",
                code="invoice_not_editable",
                param="invoice",
            )
        return StripeError(f"This action is not allowed on a {status} invoice.")
