"""Customers: create, retrieve, update, list, search (by email, name, metadata)."""

from __future__ import annotations

from typing import Any

from stripesim import ids
from stripesim.context import Operation
from stripesim.errors import ParamError
from stripesim.json_shapes import Params, StripeObject
from stripesim.params import DATED_LIST_PARAMS, clean_metadata, hash_of, merge_metadata, metadata, string, string_list
from stripesim.resources import events
from stripesim.resources.registry import endpoint
from stripesim.resources.rendering import RENDERERS, list_object, public
from stripesim.resources.search import SEARCH_PARAMS, search_result

EDITABLE = {
    "name": string(emptyable=True),
    "email": string(max_length=512, emptyable=True),
    "description": string(emptyable=True),
    "phone": string(max_length=20, emptyable=True),
    "metadata": metadata(),
    "invoice_settings": hash_of({"default_payment_method": string(emptyable=True)}),
    "preferred_locales": string_list(emptyable=True),
    "address": hash_of(
        {k: string(emptyable=True) for k in ("city", "country", "line1", "line2", "postal_code", "state")},
        emptyable=True,
    ),
}


ADDRESS_FIELDS = ("city", "country", "line1", "line2", "postal_code", "state")


def _address(current: dict[str, Any] | None, update: dict[str, Any] | None) -> dict[str, Any] | None:
    """Stripe merges an address update into the current one; `address=""` removes it."""
    if update is None:
        return None
    merged = {k: None for k in ADDRESS_FIELDS} if current is None else dict(current)
    merged.update(update)
    return merged


def _check_email(name: str, value: str | None) -> None:
    if value and ("@" not in value or value.startswith("@") or value.endswith("@")):
        raise ParamError(f"Invalid email address: {value}", code="email_invalid", param=name)


def _check_payment_method(op: Operation, params: Params) -> None:
    from stripesim.resources.payment_methods import require_payment_method

    settings = params.get("invoice_settings") or {}
    if settings.get("default_payment_method"):
        require_payment_method(settings["default_payment_method"], "invoice_settings[default_payment_method]")


@endpoint("POST", "/v1/customers", {**EDITABLE, "test_clock": string()})
def create(op: Operation, params: Params) -> StripeObject:
    _check_email("email", params.get("email"))
    _check_payment_method(op, params)
    clock_id = params.get("test_clock")
    if clock_id:
        op.require("test_clock", clock_id, "test clock", param="test_clock", status=400)
    customer = {
        "id": ids.new_id("customer"),
        "object": "customer",
        "address": _address(None, params.get("address")),
        "balance": 0,
        "business_name": None,  # declared Optional by the SDK; the emulator keeps them unset
        "customer_account": None,
        "individual_name": None,
        "created": op.now(clock_id),
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": params.get("description"),
        "discount": None,
        "email": params.get("email"),
        "invoice_prefix": ids.invoice_prefix(),
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": (params.get("invoice_settings") or {}).get("default_payment_method"),
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": clean_metadata(params.get("metadata", {})),
        "name": params.get("name"),
        "next_invoice_sequence": 1,
        "phone": params.get("phone"),
        "preferred_locales": params.get("preferred_locales") or [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": clock_id,
    }
    op.put("customer", customer)
    rendered = public(customer)
    events.emit(op, "customer.created", rendered)
    return rendered


def deleted_stub(id: str) -> StripeObject:
    return {"id": id, "object": "customer", "deleted": True}


def render_customer(op: Operation | None, customer: StripeObject) -> StripeObject:
    # "Unlike other objects, deleted customers can still be retrieved through the API"
    # (https://docs.stripe.com/api/customers/delete); they answer 200 with the `deleted_customer` shape
    # {id, object, deleted: true} (stripe-node types: `customer: string | Stripe.Customer | Stripe.DeletedCustomer`
    # on an invoice, https://github.com/stripe/stripe-node/blob/master/types/Invoices.d.ts), also when expanded.
    return deleted_stub(customer["id"]) if customer.get("deleted") else public(customer)


RENDERERS["customer"] = render_customer


@endpoint("GET", "/v1/customers/{id}")
def retrieve(op: Operation, params: Params, id: str) -> StripeObject:
    stored = op.get("customer", id)
    if stored is not None and stored.get("deleted"):
        return deleted_stub(id)
    return public(op.require("customer", id, "customer"))


@endpoint("POST", "/v1/customers/{id}", EDITABLE)
def update(op: Operation, params: Params, id: str) -> StripeObject:
    customer = op.require("customer", id, "customer")
    _check_email("email", params.get("email"))
    _check_payment_method(op, params)
    before = public(customer)
    for field in ("name", "email", "description", "phone"):
        if field in params:
            customer[field] = params[field]
    if "preferred_locales" in params:
        customer["preferred_locales"] = params["preferred_locales"] or []
    if "address" in params:
        customer["address"] = _address(customer["address"], params["address"])
    if "metadata" in params:
        customer["metadata"] = merge_metadata(customer["metadata"], params["metadata"])
    if "invoice_settings" in params and "default_payment_method" in params["invoice_settings"]:
        customer["invoice_settings"] = {
            **customer["invoice_settings"],
            "default_payment_method": params["invoice_settings"]["default_payment_method"],
        }
    op.put("customer", customer)
    rendered = public(customer)
    previous = {k: before[k] for k in rendered if rendered[k] != before.get(k)}
    if previous:
        events.emit(op, "customer.updated", rendered, previous)
    return rendered


@endpoint("DELETE", "/v1/customers/{id}")
def delete(op: Operation, params: Params, id: str) -> StripeObject:
    # A deleted customer is gone for every operation but retrieve: deleting it again, updating it, or
    # naming it in an invoice or invoice item answers "No such customer" (resource_missing): deleting "prevents
    # any further operations" (https://docs.stripe.com/api/customers/delete); a second delete answering
    # "No such customer: cus_..." is reported at https://github.com/pinax/pinax-stripe-light/issues/7.
    customer = op.require("customer", id, "customer")
    op.put("customer", {**customer, "deleted": True})
    events.emit(op, "customer.deleted", public(customer))
    return {"id": id, "object": "customer", "deleted": True}


@endpoint("GET", "/v1/customers", {**DATED_LIST_PARAMS, "email": string(max_length=512), "test_clock": string()})
def list_customers(op: Operation, params: Params) -> StripeObject:
    email: str | None = params.get("email")
    clock: str | None = params.get("test_clock")

    def keep(customer: StripeObject) -> bool:
        # Stripe's email filter is case-sensitive; so is ours.
        if email is not None and customer["email"] != email:
            return False
        if clock is not None:
            customer_clock: str | None = customer["test_clock"]
            return customer_clock == clock
        # Like Stripe, list customers not on a test clock unless `test_clock` is given.
        return customer["test_clock"] is None

    # The field index reads only customers with that email (or on that clock); `keep` still decides.
    where = [("email", email)] if email is not None else [("test_clock", clock)] if clock is not None else None
    return list_object(op, "customer", "/v1/customers", params, keep, where=where)


@endpoint("GET", "/v1/customers/search", SEARCH_PARAMS)
def search(op: Operation, params: Params) -> StripeObject:
    return search_result(op, "customer", "/v1/customers/search", params, SEARCHABLE, public)


SEARCHABLE = {"email": "email", "name": "name", "phone": "phone", "description": "description"}
