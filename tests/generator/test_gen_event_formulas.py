"""The event flow's invoice-id extraction, evaluated on real Stripe payload shapes."""

from __future__ import annotations

import json

import pytest
from gen_flowxml import all_of, parse, text
from gen_formula_eval import Evaluator
from gen_support import flows_of

from sfpay.paths import STRIPE_FIXTURES_PATH


@pytest.fixture(scope="module")
def invoice_fixture():
    return json.loads(STRIPE_FIXTURES_PATH.read_text(encoding="utf-8"))["resources"]["invoice"]


def _extract(files, spec, body: str | None):
    flow = parse(flows_of(files)[spec.flows.event.api_name])
    formulas = {text(f, "name"): text(f, "expression") for f in all_of(flow, "formulas")}
    body_field = f"$Record.{spec.stripe.namespace}__Request_Body__c"

    def resolve(ref: str):
        if ref == body_field:
            return body
        if ref in formulas:
            return Evaluator(resolve).evaluate(formulas[ref])
        raise KeyError(ref)

    return resolve("Event_Invoice_Id"), resolve("Has_Invoice_Id")


@pytest.mark.parametrize(
    "render_body",
    [
        lambda obj: json.dumps({"object": obj}),  # compact, as the connector stores it
        lambda obj: json.dumps({"object": obj}, indent=2),  # pretty-printed
        lambda obj: json.dumps({"object": obj}, separators=(",", " :  ")),  # odd spacing
        lambda obj: json.dumps({"object": obj, "previous_attributes": {"status": "open"}}),
    ],
    ids=["compact", "indented", "spaced", "with-previous-attributes"],
)
def test_invoice_id_found_in_event_body(default_files, default_spec, invoice_fixture, render_body):
    invoice = dict(invoice_fixture, id="in_1QxYzAbCdEf")
    invoice_id, has_id = _extract(default_files, default_spec, render_body(invoice))
    assert invoice_id == "in_1QxYzAbCdEf"
    assert has_id is True


@pytest.mark.parametrize(
    "body",
    [
        None,
        "",
        "not json at all",
        json.dumps({"object": {"id": "cus_123", "object": "customer"}}),
        json.dumps({"something": {"name": "x"}}),
    ],
    ids=["null", "empty", "garbage", "customer", "no-object"],
)
def test_no_invoice_id_when_body_has_none(default_files, default_spec, body):
    _, has_id = _extract(default_files, default_spec, body)
    assert has_id is False
