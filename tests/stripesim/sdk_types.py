"""Read the installed stripe SDK's own type definitions (stripe/params/*, resource classes).

The fidelity test compares stripesim against these; nothing here is used by the emulator.
"""

from __future__ import annotations

import importlib
import typing
from typing import Any

import typing_extensions
from stripe._request_options import RequestOptions

# stripesim endpoint -> module and TypedDict of its parameters in the installed SDK
PARAMS: dict[str, tuple[str, str]] = {
    "GET /v1/events/{id}": ("stripe.params._event_retrieve_params", "EventRetrieveParams"),
    "GET /v1/events": ("stripe.params._event_list_params", "EventListParams"),
    "POST /v1/customers": ("stripe.params._customer_create_params", "CustomerCreateParams"),
    "GET /v1/customers/{id}": ("stripe.params._customer_retrieve_params", "CustomerRetrieveParams"),
    "POST /v1/customers/{id}": ("stripe.params._customer_update_params", "CustomerUpdateParams"),
    "DELETE /v1/customers/{id}": ("stripe.params._customer_delete_params", "CustomerDeleteParams"),
    "GET /v1/customers": ("stripe.params._customer_list_params", "CustomerListParams"),
    "GET /v1/customers/search": ("stripe.params._customer_search_params", "CustomerSearchParams"),
    "POST /v1/invoices": ("stripe.params._invoice_create_params", "InvoiceCreateParams"),
    "GET /v1/invoices/{id}": ("stripe.params._invoice_retrieve_params", "InvoiceRetrieveParams"),
    "POST /v1/invoices/{id}": ("stripe.params._invoice_update_params", "InvoiceUpdateParams"),
    "DELETE /v1/invoices/{id}": ("stripe.params._invoice_delete_params", "InvoiceDeleteParams"),
    "GET /v1/invoices": ("stripe.params._invoice_list_params", "InvoiceListParams"),
    "GET /v1/invoices/search": ("stripe.params._invoice_search_params", "InvoiceSearchParams"),
    "GET /v1/invoices/{id}/lines": ("stripe.params._invoice_line_item_list_params", "InvoiceLineItemListParams"),
    "POST /v1/invoices/{id}/finalize": (
        "stripe.params._invoice_finalize_invoice_params",
        "InvoiceFinalizeInvoiceParams",
    ),
    "POST /v1/invoices/{id}/pay": ("stripe.params._invoice_pay_params", "InvoicePayParams"),
    "POST /v1/invoices/{id}/send": ("stripe.params._invoice_send_invoice_params", "InvoiceSendInvoiceParams"),
    "POST /v1/invoices/{id}/void": ("stripe.params._invoice_void_invoice_params", "InvoiceVoidInvoiceParams"),
    "POST /v1/invoices/{id}/mark_uncollectible": (
        "stripe.params._invoice_mark_uncollectible_params",
        "InvoiceMarkUncollectibleParams",
    ),
    "POST /v1/invoiceitems": ("stripe.params._invoice_item_create_params", "InvoiceItemCreateParams"),
    "GET /v1/invoiceitems/{id}": ("stripe.params._invoice_item_retrieve_params", "InvoiceItemRetrieveParams"),
    "DELETE /v1/invoiceitems/{id}": ("stripe.params._invoice_item_delete_params", "InvoiceItemDeleteParams"),
    "GET /v1/invoiceitems": ("stripe.params._invoice_item_list_params", "InvoiceItemListParams"),
    "POST /v1/test_helpers/test_clocks": (
        "stripe.params.test_helpers._test_clock_create_params",
        "TestClockCreateParams",
    ),
    "GET /v1/test_helpers/test_clocks/{id}": (
        "stripe.params.test_helpers._test_clock_retrieve_params",
        "TestClockRetrieveParams",
    ),
    "GET /v1/test_helpers/test_clocks": ("stripe.params.test_helpers._test_clock_list_params", "TestClockListParams"),
    "POST /v1/test_helpers/test_clocks/{id}/advance": (
        "stripe.params.test_helpers._test_clock_advance_params",
        "TestClockAdvanceParams",
    ),
    "DELETE /v1/test_helpers/test_clocks/{id}": (
        "stripe.params.test_helpers._test_clock_delete_params",
        "TestClockDeleteParams",
    ),
    "POST /v1/webhook_endpoints": ("stripe.params._webhook_endpoint_create_params", "WebhookEndpointCreateParams"),
    "GET /v1/webhook_endpoints/{id}": (
        "stripe.params._webhook_endpoint_retrieve_params",
        "WebhookEndpointRetrieveParams",
    ),
    "POST /v1/webhook_endpoints/{id}": ("stripe.params._webhook_endpoint_update_params", "WebhookEndpointUpdateParams"),
    "DELETE /v1/webhook_endpoints/{id}": (
        "stripe.params._webhook_endpoint_delete_params",
        "WebhookEndpointDeleteParams",
    ),
    "GET /v1/webhook_endpoints": ("stripe.params._webhook_endpoint_list_params", "WebhookEndpointListParams"),
}

REQUEST_OPTIONS = set(RequestOptions.__annotations__)


def params_class(endpoint: str) -> Any:
    module, name = PARAMS[endpoint]
    return getattr(importlib.import_module(module), name)


def hints(cls: Any) -> dict[str, Any]:
    """Field -> evaluated type (per field: the SDK's RequestOptions base has refs that do not resolve)."""
    module = vars(importlib.import_module(cls.__module__))
    result = {}
    for name, hint in cls.__annotations__.items():
        if name in REQUEST_OPTIONS:
            continue
        result[name] = _evaluate(hint, module)
    return result


def _evaluate(hint: Any, namespace: dict) -> Any:
    if isinstance(hint, typing.ForwardRef):
        hint = hint.__forward_arg__
    if isinstance(hint, str):
        try:
            return eval(hint, dict(namespace))  # the SDK's own annotation text, e.g. "Literal['']|List[...]"
        except NameError:
            return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is not None and getattr(origin, "_name", "") in ("NotRequired", "Required"):
        return _evaluate(args[0], namespace)
    if args and origin is not None and origin is not typing.Literal:
        evaluated = tuple(_evaluate(a, namespace) for a in args)
        try:
            return origin[evaluated] if origin not in (typing.Union,) else typing.Union[evaluated]
        except TypeError:
            return hint
    return hint


def param_names(endpoint: str) -> set[str]:
    """Top-level parameters the SDK defines for `endpoint` (request options left out)."""
    return set(params_class(endpoint).__annotations__) - REQUEST_OPTIONS


def nested_class(endpoint: str, path: list[str]) -> Any | None:
    """The TypedDict of hash parameter `path` (e.g. ["invoice_settings"]), or None if not a hash."""
    cls = params_class(endpoint)
    for name in path:
        hint = hints(cls).get(name)
        found = _typed_dicts(hint)
        if not found:
            return None
        cls = found[0]
    return cls


def _typed_dicts(hint: Any) -> list[Any]:
    if hint is None:
        return []
    if typing_extensions.is_typeddict(hint):
        return [hint]
    found = []
    for arg in typing.get_args(hint):
        found += _typed_dicts(arg)
    return found


def literals(hint: Any) -> set[str]:
    """Every Literal string value inside a type hint."""
    if typing.get_origin(hint) is typing.Literal or str(typing.get_origin(hint)).endswith("Literal"):
        return {v for v in typing.get_args(hint) if isinstance(v, str)}
    values: set[str] = set()
    for arg in typing.get_args(hint):
        values |= literals(arg)
    return values


def webhook_event_types() -> set[str]:
    hint = hints(params_class("POST /v1/webhook_endpoints"))["enabled_events"]
    return literals(hint) - {"*"}
