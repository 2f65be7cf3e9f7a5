"""Invoice documents: the initial shape (vendor/stripe-api-fixtures.json), lines and totals."""

from __future__ import annotations

from stripesim import ids
from stripesim.context import Operation
from stripesim.json_shapes import Params, StripeObject
from stripesim.resources.account import account_name
from stripesim.resources.rendering import RENDERERS, public

LINES_SHOWN = 10  # Stripe embeds the first 10 lines; the rest via /v1/invoices/{id}/lines


def new_invoice(op: Operation, customer: StripeObject, params: Params, now: int) -> StripeObject:
    invoice_id = ids.new_id("invoice")
    auto_advance = params.get("auto_advance", False)
    invoice = {
        "id": invoice_id,
        "object": "invoice",
        "account_country": "US",
        "account_name": account_name(op),
        "account_tax_ids": None,
        "amount_due": 0,
        "amount_overpaid": 0,
        "amount_paid_off_stripe": None,  # declared Optional by the SDK; no off-Stripe payments emulated
        "amount_paid": 0,
        "amount_remaining": 0,
        "amount_shipping": 0,
        "application": None,
        "attempt_count": 0,
        "attempted": False,
        "auto_advance": auto_advance,
        "automatic_tax": {
            "disabled_reason": None,
            "enabled": False,
            "liability": None,
            "provider": None,
            "status": None,
        },
        "automatically_finalizes_at": now + 3600 if auto_advance else None,
        "billing_reason": "manual",
        "collection_method": params.get("collection_method", "charge_automatically"),
        "created": now,
        "currency": params.get("currency") or customer.get("currency") or "usd",
        "custom_fields": params.get("custom_fields") or None,
        "customer": customer["id"],
        "customer_account": None,
        "customer_address": customer.get("address"),
        "customer_email": customer.get("email"),
        "customer_name": customer.get("name"),
        "customer_phone": customer.get("phone"),
        "customer_shipping": None,
        "customer_tax_exempt": customer.get("tax_exempt", "none"),
        "customer_tax_ids": [],
        "default_payment_method": None,
        "default_source": None,
        "default_tax_rates": [],
        "description": params.get("description"),
        "discounts": [],
        "due_date": None,
        "effective_at": None,
        "ending_balance": None,
        "footer": params.get("footer"),
        "from_invoice": None,
        "hosted_invoice_url": None,
        "invoice_pdf": None,
        "issuer": {"type": "self"},
        "last_finalization_error": None,
        "latest_revision": None,
        "lines": {"object": "list", "data": [], "has_more": False, "url": f"/v1/invoices/{invoice_id}/lines"},
        "livemode": False,
        "metadata": {k: v for k, v in params.get("metadata", {}).items() if v is not None},
        "next_payment_attempt": None,
        "number": None,
        "on_behalf_of": None,
        "parent": None,
        "payment_settings": {"default_mandate": None, "payment_method_options": None, "payment_method_types": None},
        "period_end": now,
        "period_start": now,
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": None,
        "rendering": None,
        "shipping_cost": None,
        "shipping_details": None,
        "starting_balance": 0,
        "statement_descriptor": params.get("statement_descriptor"),
        "status": "draft",
        "status_details": None,
        "threshold_reason": None,
        "subscription": None,
        "status_transitions": {
            "finalized_at": None,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        "subtotal": 0,
        "subtotal_excluding_tax": 0,
        "test_clock": customer.get("test_clock"),
        "total": 0,
        "total_discount_amounts": [],
        "total_excluding_tax": 0,
        "total_pretax_credit_amounts": [],
        "total_taxes": [],
        "webhooks_delivered_at": None,
        "_days_until_due": params.get("days_until_due"),
    }
    if invoice["collection_method"] == "send_invoice":
        if params.get("due_date") is not None:
            invoice["due_date"] = params["due_date"]
        else:
            invoice["due_date"] = now + 86400 * params["days_until_due"]
    return invoice


def line_for_item(item: StripeObject) -> StripeObject:
    return {
        "id": "il_" + item["id"][3:],
        "object": "line_item",
        "amount": item["amount"],
        "currency": item["currency"],
        "description": item["description"],
        "discount_amounts": [],
        "discountable": True,
        "discounts": [],
        "invoice": item["invoice"],
        "livemode": False,
        "metadata": dict(item["metadata"]),
        "parent": {
            "invoice_item_details": {
                "invoice_item": item["id"],
                "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": None,
            },
            "subscription_item_details": None,
            "type": "invoice_item_details",
        },
        "period": dict(item["period"]),
        "pretax_credit_amounts": [],
        "pricing": {
            "price_details": {"price": None, "product": None},
            "type": "price_details",
            "unit_amount_decimal": str(item["amount"]),
        },
        "quantity": 1,
        "quantity_decimal": "1",
        "subscription": None,
        "subtotal": item["amount"],
        "taxes": [],
    }


def recompute_totals(invoice: StripeObject) -> None:
    subtotal = sum(line["amount"] for line in invoice["lines"]["data"])
    invoice["subtotal"] = invoice["subtotal_excluding_tax"] = subtotal
    invoice["total"] = invoice["total_excluding_tax"] = subtotal
    invoice["amount_due"] = max(0, subtotal + invoice["starting_balance"])
    invoice["amount_remaining"] = max(0, invoice["amount_due"] - invoice["amount_paid"])


# "Until the invoice is finalized, this field will equal `customer.email`. Once the invoice is finalized,
# this field will no longer be updated." (the installed stripe SDK, stripe/_invoice.py, same for address,
# name, phone, shipping, tax_exempt; https://docs.stripe.com/api/invoices/object#invoice_object-customer_email)
CUSTOMER_COPIES = {
    "customer_address": "address",
    "customer_email": "email",
    "customer_name": "name",
    "customer_phone": "phone",
    "customer_shipping": "shipping",
    "customer_tax_exempt": "tax_exempt",
}


def freeze_customer_fields(invoice: StripeObject, customer: StripeObject) -> None:
    for field, source in CUSTOMER_COPIES.items():
        invoice[field] = customer.get(source)


def render_invoice(op: Operation | None, invoice: StripeObject) -> StripeObject:
    shown = public(invoice)
    if invoice["status"] == "draft" and op is not None:
        customer = op.get("customer", invoice["customer"])
        if customer is not None and not customer.get("deleted"):
            shown.update({field: customer.get(source) for field, source in CUSTOMER_COPIES.items()})
    lines = invoice["lines"]["data"]
    shown["lines"] = {**invoice["lines"], "data": lines[:LINES_SHOWN], "has_more": len(lines) > LINES_SHOWN}
    return shown


RENDERERS["invoice"] = render_invoice
