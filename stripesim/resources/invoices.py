"""Invoices: create, retrieve, update, delete, list, lines, finalize, pay, send, void, mark_uncollectible."""

from __future__ import annotations

from typing import cast

from stripesim.context import Operation
from stripesim.errors import ParamError, StripeError
from stripesim.json_shapes import Params, StripeObject
from stripesim.params import (
    DATED_LIST_PARAMS,
    LIST_PARAMS,
    boolean,
    enum,
    hash_list,
    integer,
    merge_metadata,
    metadata,
    string,
)
from stripesim.resources import events, invoice_actions
from stripesim.resources.currencies import check_currency
from stripesim.resources.invoice_model import new_invoice, render_invoice
from stripesim.resources.payer_email import require_email_for_create, require_email_for_switch
from stripesim.resources.registry import endpoint
from stripesim.resources.rendering import list_object, page
from stripesim.resources.scheduler import watch
from stripesim.resources.search import SEARCH_PARAMS, search_result

STATUSES = ("draft", "open", "paid", "uncollectible", "void")
COLLECTION = ("charge_automatically", "send_invoice")


def _currency(name: str, value: str) -> None:
    check_currency(name, value)


CREATE_SPEC = {
    "customer": string(required=True),
    "collection_method": enum(*COLLECTION),
    "days_until_due": integer(minimum=0, maximum=3650),
    "due_date": integer(minimum=0),
    "auto_advance": boolean(),
    "currency": string(check=_currency),
    "description": string(max_length=1500),
    "metadata": metadata(),
    "pending_invoice_items_behavior": enum("exclude", "include"),
    # Shown on the invoice; stored and returned as given (SDK: InvoiceCreateParams docstrings).
    "footer": string(max_length=5000),
    "statement_descriptor": string(max_length=22),
    "custom_fields": hash_list(
        {"name": string(required=True, max_length=40), "value": string(required=True, max_length=140)}, maximum=4
    ),
}
# Editable on a draft (and, like description, later); "" unsets.
PRESENTATION = {
    "footer": string(max_length=5000, emptyable=True),
    "statement_descriptor": string(max_length=22, emptyable=True),
    "custom_fields": hash_list(
        {"name": string(required=True, max_length=40), "value": string(required=True, max_length=140)},
        maximum=4,
        emptyable=True,
    ),
}


def _check_collection(params: Params, collection: str, now: int) -> None:
    days, due = params.get("days_until_due"), params.get("due_date")
    if collection == "charge_automatically":
        for name in ("days_until_due", "due_date"):
            if params.get(name) is not None:
                raise ParamError(
                    f"Invoices with `collection_method=charge_automatically` cannot have `{name}`; "
                    f"it is only used when `collection_method` is `send_invoice`.",
                    code="parameter_invalid_integer",
                    param=name,
                )
        return
    if days is not None and due is not None:
        raise ParamError(
            "You cannot set both `days_until_due` and `due_date`.", code="parameter_invalid_integer", param="due_date"
        )
    if days is None and due is None:
        raise ParamError(
            "Invoices with `collection_method=send_invoice` need either `days_until_due` or `due_date`.",
            code="parameter_missing",
            param="days_until_due",
        )
    if due is not None and due <= now:
        raise ParamError(
            f"Invalid due_date: {due} must be in the future.", code="parameter_invalid_integer", param="due_date"
        )


def _get(op: Operation, id: str) -> StripeObject:
    return op.require("invoice", id, "invoice")


@endpoint("POST", "/v1/invoices", CREATE_SPEC)
def create(op: Operation, params: Params) -> StripeObject:
    customer = op.require("customer", params["customer"], "customer", param="customer", status=400)
    now = op.now(customer["test_clock"])
    _check_collection(params, params.get("collection_method", "charge_automatically"), now)
    require_email_for_create(customer, params.get("collection_method", "charge_automatically"))
    invoice = new_invoice(op, customer, params, now)
    if params.get("pending_invoice_items_behavior") == "include":
        _pull_pending_items(op, invoice)
    if invoice["auto_advance"]:
        watch(op, invoice, "auto_finalize", invoice["automatically_finalizes_at"])
    op.put("invoice", invoice)
    rendered = render_invoice(op, invoice)
    events.emit(op, "invoice.created", rendered, created=now)
    return rendered


def _pull_pending_items(op: Operation, invoice: StripeObject) -> None:
    from stripesim.resources.invoiceitems import attach

    for item in op.tx.where("invoiceitem", "customer", invoice["customer"]):
        if item["invoice"] is None and not item.get("deleted"):
            if item["currency"] != invoice["currency"]:
                continue
            attach(op, item, invoice)


@endpoint("GET", "/v1/invoices/{id}")
def retrieve(op: Operation, params: Params, id: str) -> StripeObject:
    return render_invoice(op, _get(op, id))


@endpoint(
    "POST",
    "/v1/invoices/{id}",
    {
        "description": string(max_length=1500, emptyable=True),
        "metadata": metadata(),
        "auto_advance": boolean(),
        "collection_method": enum(*COLLECTION),
        "days_until_due": integer(minimum=0, maximum=3650),
        "due_date": integer(minimum=0),
        **PRESENTATION,
    },
)
def update(op: Operation, params: Params, id: str) -> StripeObject:
    invoice = _get(op, id)
    before = render_invoice(op, invoice)
    structural = [k for k in ("collection_method", "days_until_due", "due_date") if k in params]
    if structural:
        if invoice["status"] != "draft":
            raise StripeError(
                f"You can only update `{structural[0]}` on a draft invoice; this invoice is {invoice['status']}.",
                code="invoice_not_editable",
                param=structural[0],
            )
        collection: str = params["collection_method"] if "collection_method" in params else invoice["collection_method"]
        if collection == "send_invoice" and invoice["collection_method"] != "send_invoice":
            require_email_for_switch(op.require("customer", invoice["customer"], "customer"))
        merged = {
            "days_until_due": params.get("days_until_due", invoice.get("_days_until_due")),
            "due_date": params.get("due_date"),
        }
        if "days_until_due" in params:
            merged["due_date"] = None
        elif "due_date" in params:
            merged["days_until_due"] = None
        elif collection == "send_invoice" and merged["days_until_due"] is None:
            merged["due_date"] = invoice["due_date"]
        if collection == "charge_automatically":
            merged = {k: (v if k in params else None) for k, v in merged.items()}
        now = op.now(invoice["test_clock"])
        _check_collection(merged, collection, now)
        invoice["collection_method"] = collection
        invoice["_days_until_due"] = merged["days_until_due"]
        if collection == "charge_automatically":
            invoice["due_date"] = None
        else:
            invoice["due_date"] = (
                merged["due_date"]
                if merged["due_date"] is not None
                else now + 86400 * cast(int, merged["days_until_due"])
            )
    if "auto_advance" in params:
        if invoice["status"] in ("paid", "void"):
            raise StripeError(
                f"You can't change `auto_advance` on a {invoice['status']} invoice.", param="auto_advance"
            )
        invoice["auto_advance"] = params["auto_advance"]
        if invoice["status"] == "draft":
            invoice["automatically_finalizes_at"] = invoice["created"] + 3600 if params["auto_advance"] else None
            if params["auto_advance"]:
                watch(op, invoice, "auto_finalize", invoice["automatically_finalizes_at"])
    for field in ("description", *PRESENTATION):
        if field in params:
            invoice[field] = params[field] or None
    if "metadata" in params:
        invoice["metadata"] = merge_metadata(invoice["metadata"], params["metadata"])
    op.put("invoice", invoice)
    rendered = render_invoice(op, invoice)
    previous = {k: before[k] for k in rendered if rendered[k] != before.get(k)}
    if previous:
        events.emit(op, "invoice.updated", rendered, previous, created=op.now(invoice["test_clock"]))
    return rendered


@endpoint("DELETE", "/v1/invoices/{id}")
def delete(op: Operation, params: Params, id: str) -> StripeObject:
    from stripesim.resources.invoice_state import InvoiceStateMachine

    invoice = _get(op, id)
    InvoiceStateMachine.check("delete", invoice)
    rendered = render_invoice(op, invoice)
    for item in op.tx.where("invoiceitem", "invoice", id):
        item["deleted"] = True
        op.put("invoiceitem", item)
    op.put("invoice", {**invoice, "deleted": True})
    events.emit(op, "invoice.deleted", rendered, created=op.now(invoice["test_clock"]))
    return {"id": id, "object": "invoice", "deleted": True}


@endpoint(
    "GET",
    "/v1/invoices",
    {
        **DATED_LIST_PARAMS,
        "customer": string(),
        "status": enum(*STATUSES),
        "collection_method": enum(*COLLECTION),
    },
)
def list_invoices(op: Operation, params: Params) -> StripeObject:
    def keep(invoice: StripeObject) -> bool:
        return all(
            params.get(f) is None or invoice[f] == params[f] for f in ("customer", "status", "collection_method")
        )

    # The field index reads only the customer's (or status's) invoices; `keep` still decides.
    field = next((f for f in ("customer", "status", "collection_method") if params.get(f) is not None), None)
    where = [(field, params[field])] if field else None
    return list_object(op, "invoice", "/v1/invoices", params, keep, lambda inv: render_invoice(op, inv), where)


SEARCHABLE = {
    "customer": "customer",
    "status": "status",
    "number": "number",
    "currency": "currency",
    "collection_method": "collection_method",
    "description": "description",
}


@endpoint("GET", "/v1/invoices/search", SEARCH_PARAMS)
def search(op: Operation, params: Params) -> StripeObject:
    return search_result(op, "invoice", "/v1/invoices/search", params, SEARCHABLE, lambda inv: render_invoice(op, inv))


@endpoint("GET", "/v1/invoices/{id}/lines", LIST_PARAMS)
def lines(op: Operation, params: Params, id: str) -> StripeObject:
    invoice = _get(op, id)
    return page(invoice["lines"]["data"], f"/v1/invoices/{id}/lines", params, dict)


@endpoint("POST", "/v1/invoices/{id}/finalize", {"auto_advance": boolean()})
def finalize(op: Operation, params: Params, id: str) -> StripeObject:
    return invoice_actions.finalize(op, _get(op, id), params.get("auto_advance"))


@endpoint(
    "POST",
    "/v1/invoices/{id}/pay",
    {
        "payment_method": string(),
        "paid_out_of_band": boolean(),
        "off_session": boolean(),
    },
)
def pay(op: Operation, params: Params, id: str) -> StripeObject:
    return invoice_actions.pay(op, _get(op, id), params.get("payment_method"), params.get("paid_out_of_band", False))


@endpoint("POST", "/v1/invoices/{id}/send")
def send(op: Operation, params: Params, id: str) -> StripeObject:
    return invoice_actions.send(op, _get(op, id))


@endpoint("POST", "/v1/invoices/{id}/void")
def void(op: Operation, params: Params, id: str) -> StripeObject:
    return invoice_actions.void(op, _get(op, id))


@endpoint("POST", "/v1/invoices/{id}/mark_uncollectible")
def mark_uncollectible(op: Operation, params: Params, id: str) -> StripeObject:
    return invoice_actions.mark_uncollectible(op, _get(op, id))
