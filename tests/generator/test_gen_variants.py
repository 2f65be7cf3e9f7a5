"""Spec options change exactly what they should in the rendered metadata."""

from __future__ import annotations

import pytest

from gen_support import flows_of
from gen_flowxml import all_of, inputs, nodes, parse, resources, text, value_of
from generator.render import render
from generator.spec.model import Spec


def _flow(files, api_name):
    return parse(flows_of(files)[api_name])


def _create_flow(spec):
    return _flow(render(spec), spec.flows.create.api_name)


@pytest.mark.parametrize(
    "code, expected",
    [
        ("usd", "ROUND({!Get_Opportunity.Amount} * 100, 0)"),
        ("jpy", "ROUND({!Get_Opportunity.Amount}, 0)"),
        ("kwd", "ROUND({!Get_Opportunity.Amount} * 1000, 0)"),
    ],
)
def test_amount_uses_the_currency_exponent(code, expected):
    spec = Spec.model_validate({"currency": {"code": code}})
    flow = _create_flow(spec)
    assert text(resources(flow)["Amount_In_Smallest_Unit"][1], "expression") == expected
    create_invoice = nodes(flow)["Create_Invoice"][1]
    assert value_of(inputs(create_invoice)["r_currency"]) == ("stringValue", code)


def test_charge_automatically_sends_no_days_until_due():
    spec = Spec.model_validate({"invoicing": {"collection_method": "charge_automatically"}})
    params = inputs(nodes(_create_flow(spec))["Create_Invoice"][1])
    assert value_of(params["collectionMethod"]) == ("stringValue", "charge_automatically")
    assert "daysUntilDue" not in params


def test_send_invoice_defaults_to_30_days():
    params = inputs(nodes(_create_flow(Spec()))["Create_Invoice"][1])
    assert value_of(params["daysUntilDue"]) == ("numberValue", "30")
    assert value_of(params["autoAdvance"]) == ("booleanValue", "false")


def test_custom_customer_field_is_created_granted_and_used():
    spec = Spec.model_validate({"customer_id_field": {"api_name": "Stripe_Customer__c", "create": True}})
    files = render(spec)
    assert "main/default/objects/Account/fields/Stripe_Customer__c.field-meta.xml" in files
    perms = files["main/default/permissionsets/Stripe_Invoicing_Fields.permissionset-meta.xml"].decode()
    assert "<field>Account.Stripe_Customer__c</field>" in perms
    flow = _flow(files, spec.flows.create.api_name)
    update = nodes(flow)["Update_Account_Customer_Id"][1]
    assert list(inputs(update, "inputAssignments")) == ["Stripe_Customer__c"]


def test_package_customer_field_is_not_generated():
    assert not [p for p in render(Spec()) if "/Account/" in p]


def test_referenced_record_types_are_not_generated():
    spec = Spec.model_validate({"record_types": {"create": False}})
    files = render(spec)
    assert not [p for p in files if "recordTypes" in p or "businessProcesses" in p]
    assert "recordTypeVisibilities" not in files["main/default/permissionsets/Stripe_Invoicing_Fields.permissionset-meta.xml"].decode()


def test_descriptions_become_merge_fields():
    spec = Spec.model_validate(
        {"invoicing": {"invoice_description": 'Rev {revision} of "{opportunity_name}" for {account_name}'}}
    )
    template = resources(_create_flow(spec))["Invoice_Description"][1]
    assert text(template, "text") == 'Rev {!Next_Revision} of "{!Get_Opportunity.Name}" for {!Get_Account.Name}'


def test_stage_names_with_quotes_are_escaped_in_formulas():
    stages = ['Say "yes"', "Closed Won"]
    spec = Spec.model_validate(
        {"invoicing": {"eligible_stages": stages}, "record_types": {"create": False}}
    )
    flow = _create_flow(spec)
    entry = text(flow.find("{*}start"), "filterFormula")
    assert 'TEXT({!$Record.StageName}) = "Say \\"yes\\""' in entry


def test_flow_status_draft():
    spec = Spec.model_validate({"flows": {"status": "Draft"}})
    for api, data in flows_of(render(spec)).items():
        assert text(parse(data), "status") == "Draft"


def test_each_offset_is_its_own_scheduled_path():
    spec = Spec.model_validate({"reminders": {"offsets": [{"number": 7}, {"number": 2, "unit": "Hours"}]}})
    flow = _flow(render(spec), spec.flows.reminder.api_name)
    paths = all_of(flow.find("{*}start"), "scheduledPaths")
    assert [(text(p, "name"), text(p, "offsetNumber"), text(p, "offsetUnit")) for p in paths] == [
        ("Reminder_7_Days", "7", "Days"), ("Reminder_2_Hours", "2", "Hours"),
    ]
