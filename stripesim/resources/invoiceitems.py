"""Invoice items: create (optionally on a draft invoice), retrieve, list, delete."""

from __future__ import annotations

from stripesim import ids
from stripesim.context import Operation
from stripesim.errors import ParamError, StripeError
from stripesim.json_shapes import Params, StripeObject
from stripesim.params import LIST_PARAMS, boolean, clean_metadata, hash_of, integer, metadata, string
from stripesim.resources import events
from stripesim.resources.invoice_model import line_for_item, recompute_totals
from stripesim.resources.invoice_state import InvoiceStateMachine
from stripesim.resources.invoices import _currency
from stripesim.resources.registry import endpoint
from stripesim.resources.rendering import list_object, public

MAX_AMOUNT = 99_999_999


def attach(op: Operation, item: StripeObject, invoice: StripeObject) -> None:
    """Put `item` on draft `invoice` as a line and recompute the totals (caller saves the invoice)."""
    InvoiceStateMachine.check("edit_lines", invoice)
    item["invoice"] = invoice["id"]
    op.put("invoiceitem", item)
    invoice["lines"]["data"].append(line_for_item(item))
    recompute_totals(invoice)


@endpoint(
    "POST",
    "/v1/invoiceitems",
    {
        "customer": string(required=True),
        "amount": integer(minimum=-MAX_AMOUNT, maximum=MAX_AMOUNT),
        "currency": string(check=_currency),
        "description": string(max_length=1500),
        "invoice": string(),
        "metadata": metadata(),
        "discountable": boolean(),
        # "The period associated with this invoice item" (SDK InvoiceItemCreateParams.period); default: now..now.
        "period": hash_of({"start": integer(required=True, minimum=0), "end": integer(required=True, minimum=0)}),
    },
)
def create(op: Operation, params: Params) -> StripeObject:
    if "amount" not in params:
        raise ParamError("Missing required param: amount.", code="parameter_missing", param="amount")
    customer = op.require("customer", params["customer"], "customer", param="customer", status=400)
    invoice = None
    if params.get("invoice"):
        invoice = op.require("invoice", params["invoice"], "invoice", param="invoice", status=400)
        if invoice["customer"] != customer["id"]:
            raise StripeError(
                f"The invoice {invoice['id']} belongs to customer {invoice['customer']}, not to "
                f"{customer['id']}: an invoice item must be added to an invoice of the same customer.",
                param="invoice",
            )
        InvoiceStateMachine.check("edit_lines", invoice)
    currency = params.get("currency") or (invoice or {}).get("currency") or customer.get("currency") or "usd"
    if invoice is not None and currency != invoice["currency"]:
        raise StripeError(
            f"The currency of the invoice item ({currency}) must match the currency of the invoice "
            f"({invoice['currency']}).",
            param="currency",
        )
    now = op.now(customer["test_clock"])
    period = params.get("period") or {"start": now, "end": now}
    if period["end"] < period["start"]:
        raise ParamError(
            "Invalid period: end must be on or after start.", code="parameter_invalid_integer", param="period[end]"
        )
    item = {
        "id": ids.new_id("invoiceitem"),
        "object": "invoiceitem",
        "amount": params["amount"],
        "currency": currency,
        "customer": customer["id"],
        "customer_account": None,
        "date": now,
        "description": params.get("description"),
        "discountable": params.get("discountable", True),
        "discounts": [],
        "frozen_fields": None,  # declared Optional by the SDK; not emulated features
        "invoicing_rules": None,
        "invoice": None,
        "livemode": False,
        "metadata": clean_metadata(params.get("metadata", {})),
        "net_amount": params["amount"],
        "parent": None,
        "period": {"end": period["end"], "start": period["start"]},
        "pricing": {
            "price_details": {"price": None, "product": None},
            "type": "price_details",
            "unit_amount_decimal": str(params["amount"]),
        },
        "proration": False,
        "proration_details": None,
        "quantity": 1,
        "quantity_decimal": "1",
        "tax_rates": [],
        "test_clock": customer["test_clock"],
    }
    op.put("invoiceitem", item)
    if invoice is not None:
        attach(op, item, invoice)
        op.put("invoice", invoice)
    rendered = public(item)
    events.emit(op, "invoiceitem.created", rendered, created=now)
    return rendered


@endpoint("GET", "/v1/invoiceitems/{id}")
def retrieve(op: Operation, params: Params, id: str) -> StripeObject:
    return public(op.require("invoiceitem", id, "invoiceitem"))


@endpoint("DELETE", "/v1/invoiceitems/{id}")
def delete(op: Operation, params: Params, id: str) -> StripeObject:
    item = op.require("invoiceitem", id, "invoiceitem")
    if item["invoice"]:
        invoice = op.require("invoice", item["invoice"], "invoice")
        InvoiceStateMachine.check("edit_lines", invoice)
        invoice["lines"]["data"] = [
            line for line in invoice["lines"]["data"] if line["parent"]["invoice_item_details"]["invoice_item"] != id
        ]
        recompute_totals(invoice)
        op.put("invoice", invoice)
    op.put("invoiceitem", {**item, "deleted": True})
    events.emit(op, "invoiceitem.deleted", public(item), created=op.now(item["test_clock"]))
    return {"id": id, "object": "invoiceitem", "deleted": True}


@endpoint("GET", "/v1/invoiceitems", {**LIST_PARAMS, "customer": string(), "invoice": string(), "pending": boolean()})
def list_items(op: Operation, params: Params) -> StripeObject:
    def keep(item: StripeObject) -> bool:
        if params.get("customer") and item["customer"] != params["customer"]:
            return False
        if params.get("invoice") and item["invoice"] != params["invoice"]:
            return False
        if "pending" in params and (item["invoice"] is None) != params["pending"]:
            return False
        return True

    # The field index reads only the invoice's (or customer's) items; `keep` still decides.
    field = next((f for f in ("invoice", "customer") if params.get(f)), None)
    where = [(field, params[field])] if field else None
    return list_object(op, "invoiceitem", "/v1/invoiceitems", params, keep, where=where)
