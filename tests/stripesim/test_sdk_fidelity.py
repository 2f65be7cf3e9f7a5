"""stripesim against the installed stripe SDK's own types (issue 12, "stripesim vs the stripe SDK's own types").

For every operation stripesim serves: each SDK parameter is emulated or refused as not emulated (never
ignored, never `parameter_unknown`); nothing outside the SDK is accepted; enum values match the SDK's
Literals; returned objects carry every field the SDK declares; SDK-expandable fields expand or are refused.
"""

from __future__ import annotations

import typing
from pathlib import Path

import httpx
import pytest
import stripe

import stripesim.http.app  # noqa: F401  (registers every endpoint)
from stripesim.coverage import BEGIN, END, table
from stripesim.resources.event_types import SUBSCRIBABLE
from stripesim.resources.not_emulated import NOT_EMULATED
from stripesim.resources.registry import ENDPOINTS
from stripesim.resources.rendering import EXPANDABLE, EXPANSIONS_NOT_EMULATED
from tests.stripesim import gen_sdk_lists, sdk_types

BY_NAME = {e.name: e for e in ENDPOINTS}


def test_every_served_operation_has_its_sdk_params():
    assert set(BY_NAME) == set(sdk_types.PARAMS)


def _walk(name: str, spec: dict, path: list[str], prefix: str, refused: frozenset[str]) -> list[str]:
    """Problems between stripesim's spec for one (nested) hash and the SDK's TypedDict for it."""
    cls = sdk_types.params_class(name) if not path else sdk_types.nested_class(name, path)
    sdk = set(cls.__annotations__) - sdk_types.REQUEST_OPTIONS - ({"expand"} if not prefix else set())
    hints = sdk_types.hints(cls)
    problems = []
    for key in sorted(set(spec) - sdk):
        problems.append(f"{name}: accepts {prefix}{key}, which the SDK does not define")
    for key in sorted(sdk):
        shown = f"{prefix}[{key}]" if prefix else key
        if key in spec and shown in refused:
            problems.append(f"{name}: {shown} both emulated and refused")
        elif key not in spec and shown not in refused:
            problems.append(f"{name}: {shown} defined by the SDK is neither emulated nor refused")
        elif key in spec:
            param = spec[key]
            choices = sdk_types.literals(hints.get(key)) - {""}
            if param.kind == "enum" and set(param.choices) != choices:
                problems.append(f"{name}: {shown} takes {sorted(param.choices)}, the SDK {sorted(choices)}")
            if param.kind == "hash":
                problems += _walk(name, param.fields, path + [key], shown, refused)
    return problems


def test_each_sdk_parameter_is_emulated_or_refused_and_nothing_else_is_accepted():
    problems = []
    for endpoint in ENDPOINTS:
        problems += _walk(endpoint.name, endpoint.spec, [], "", endpoint.refused)
        sdk_has_expand = "expand" in sdk_types.param_names(endpoint.name)
        if sdk_has_expand != endpoint.expandable:
            problems.append(f"{endpoint.name}: expand accepted={endpoint.expandable}, SDK defines it={sdk_has_expand}")
    assert problems == []


def test_generated_lists_are_current():
    root = Path(gen_sdk_lists.ROOT)
    assert (root / "not_emulated.py").read_text() == gen_sdk_lists.not_emulated_source()
    assert (root / "event_types.py").read_text() == gen_sdk_lists.event_types_source()
    assert SUBSCRIBABLE == sdk_types.webhook_event_types()


def test_docs_coverage_table_is_current():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "stripesim.md").read_text()
    assert BEGIN in doc and END in doc, "docs/stripesim.md lacks the generated coverage table"
    current = doc[doc.index(BEGIN) : doc.index(END) + len(END)]
    assert current == table(), "run: python -m stripesim.coverage, and paste it into docs/stripesim.md"


def _concrete(path: str) -> str:
    return path.replace("{id}", "x_stripesim_fidelity")


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if NOT_EMULATED.get(e.name)], ids=lambda e: e.name)
def test_refused_parameters_answer_parameter_not_emulated_over_http(sim, endpoint):
    headers = {"Authorization": f"Bearer {sim.api_key}"}
    for name in NOT_EMULATED[endpoint.name]:
        key = name if "[" not in name else name  # already in Stripe's bracket notation
        url = f"{sim.base_url}{_concrete(endpoint.path)}"
        if endpoint.method == "GET":
            answer = httpx.get(url, params={key: "1"}, headers=headers)
        else:
            answer = httpx.request(endpoint.method, url, data={key: "1"}, headers=headers)
        error = answer.json().get("error", {})
        assert (answer.status_code, error.get("code"), error.get("param")) == (400, "parameter_not_emulated", name), (
            f"{endpoint.name} {name}: {answer.status_code} {error}"
        )


def test_a_single_value_where_stripe_expects_a_list_is_an_invalid_array(sim):
    headers = {"Authorization": f"Bearer {sim.api_key}"}
    cases = [
        ("GET", "/v1/invoices", {"expand": "data.customer"}, "expand"),
        ("GET", "/v1/events", {"types": "invoice.paid"}, "types"),
        ("POST", "/v1/webhook_endpoints", {"url": "http://x.test/h", "enabled_events": "*"}, "enabled_events"),
    ]
    for method, path, params, param in cases:
        answer = httpx.request(
            method,
            f"{sim.base_url}{path}",
            headers=headers,
            **({"params": params} if method == "GET" else {"data": params}),
        )
        error = answer.json()["error"]
        assert answer.status_code == 400 and error["param"] == param and error["message"].startswith("Invalid array")


def test_every_stripe_event_type_is_accepted_by_enabled_events(client):
    types = sorted(sdk_types.webhook_event_types())
    created = client.v1.webhook_endpoints.create(params={"url": "http://x.test/h", "enabled_events": types})
    assert sorted(created.enabled_events) == types


# Fields the SDK declares that Stripe itself leaves out of these answers, with why.
ABSENT_AT_STRIPE = {
    # "includable": only returned when expanded (https://docs.stripe.com/api/customers/object,
    # https://docs.stripe.com/expand#includable-properties)
    "Customer": {"cash_balance", "invoice_credit_balance", "sources", "subscriptions", "tax", "tax_ids"},
    "Invoice": {"confirmation_secret", "payments"},
    # `account` is set on Connect events only, `context` on events of an account context
    # (https://docs.stripe.com/api/events/object)
    "Event": {"account", "context"},
}


def _declared(cls: type) -> set[str]:
    return {k for k in cls.__annotations__ if not k.startswith("_") and k != k.upper()} - {"deleted"}


def _sdk_expandable(cls: type) -> set[str]:
    def expandable(hint: typing.Any) -> bool:
        args = typing.get_args(hint)
        return str in args and any(isinstance(a, typing.ForwardRef) for a in args)

    return {k for k, v in cls.__annotations__.items() if expandable(v)}


def test_objects_carry_every_field_the_sdk_declares_and_expandables_are_handled(client):
    customer = client.v1.customers.create(params={"email": "a@example.org"})
    invoice = client.v1.invoices.create(params={"customer": customer.id})
    item = client.v1.invoice_items.create(params={"customer": customer.id, "invoice": invoice.id, "amount": 5})
    invoice = client.v1.invoices.retrieve(invoice.id)
    clock = client.v1.test_helpers.test_clocks.create(params={"frozen_time": 1_700_000_000})
    endpoint = client.v1.webhook_endpoints.create(params={"url": "http://x.test/h", "enabled_events": ["*"]})
    event = client.v1.events.list().data[0]
    objects = {
        "customer": (stripe.Customer, customer),
        "invoice": (stripe.Invoice, invoice),
        "invoiceitem": (stripe.InvoiceItem, item),
        "line_item": (stripe.InvoiceLineItem, invoice.lines.data[0]),
        "event": (stripe.Event, event),
        "webhook_endpoint": (stripe.WebhookEndpoint, endpoint),
        "test_helpers.test_clock": (stripe.test_helpers.TestClock, clock),
    }
    problems = []
    for kind, (cls, obj) in objects.items():
        missing = _declared(cls) - set(obj.to_dict()) - ABSENT_AT_STRIPE.get(cls.__name__, set())
        if missing:
            problems.append(f"{cls.__name__} lacks {sorted(missing)}")
        handled = set(EXPANDABLE.get(kind, {})) | set(EXPANSIONS_NOT_EMULATED.get(kind, ()))
        if handled != _sdk_expandable(cls):
            problems.append(
                f"{kind}: expands or refuses {sorted(handled)}, the SDK marks {sorted(_sdk_expandable(cls))}"
            )
    assert problems == []


def test_sdk_expandable_fields_not_emulated_are_refused_as_such(client):
    customer = client.v1.customers.create(params={"email": "a@example.org"})
    invoice = client.v1.invoices.create(params={"customer": customer.id})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.retrieve(invoice.id, params={"expand": ["default_payment_method"]})
    assert caught.value.code == "parameter_not_emulated" and caught.value.param == "expand"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.retrieve(invoice.id, params={"expand": ["lines"]})  # not expandable at all
    assert caught.value.code == "parameter_invalid_string"


def test_emulated_presentation_options_round_trip(client):
    customer = client.v1.customers.create(
        params={
            "email": "a@example.org",
            "preferred_locales": ["fr-FR", "en"],
            "address": {"line1": "1 Rue", "city": "Paris", "country": "FR"},
        }
    )
    assert customer.preferred_locales == ["fr-FR", "en"] and customer.address.city == "Paris"
    assert client.v1.customers.update(customer.id, params={"address": {"city": "Lyon"}}).address.line1 == "1 Rue"
    invoice = client.v1.invoices.create(
        params={
            "customer": customer.id,
            "footer": "Merci",
            "statement_descriptor": "CT NONPROFIT",
            "custom_fields": [{"name": "PO", "value": "42"}],
        }
    )
    assert (invoice.footer, invoice.statement_descriptor) == ("Merci", "CT NONPROFIT")
    assert invoice.custom_fields[0].to_dict() == {"name": "PO", "value": "42"}
    assert client.v1.invoices.update(invoice.id, params={"footer": ""}).footer is None
    item = client.v1.invoice_items.create(
        params={
            "customer": customer.id,
            "invoice": invoice.id,
            "amount": 10,
            "period": {"start": 1_700_000_000, "end": 1_702_592_000},
        }
    )
    assert item.period.to_dict() == {"start": 1_700_000_000, "end": 1_702_592_000}
