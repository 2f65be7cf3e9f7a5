"""Spec options change exactly what they should in the rendered metadata."""

from __future__ import annotations

import pytest
from gen_flowxml import all_of, inputs, nodes, parse, resources, text, value_of
from gen_support import flows_of

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
    assert (
        "recordTypeVisibilities"
        not in files["main/default/permissionsets/Stripe_Invoicing_Fields.permissionset-meta.xml"].decode()
    )


def test_descriptions_become_merge_fields():
    spec = Spec.model_validate(
        {"invoicing": {"invoice_description": 'Rev {revision} of "{opportunity_name}" for {account_name}'}}
    )
    template = resources(_create_flow(spec))["Invoice_Description"][1]
    assert text(template, "text") == 'Rev {!Next_Revision} of "{!Get_Opportunity.Name}" for {!Get_Account.Name}'


def test_stage_names_with_quotes_are_escaped_in_formulas():
    stages = ['Say "yes"', "Closed Won"]
    spec = Spec.model_validate({"invoicing": {"eligible_stages": stages}, "record_types": {"create": False}})
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
        ("Reminder_7_Days", "7", "Days"),
        ("Reminder_2_Hours", "2", "Hours"),
    ]


def test_default_flow_labels_are_the_seeds_names_with_their_versions():
    # Issue 12, defect 10: admins find the seed's flows by these labels.
    flows = Spec().flows
    assert [flows.create.label, flows.update.label, flows.reminder.label, flows.event.label] == [
        "Opportunity after flow stripe payment url generate and update \u2013 V12",
        "Opportunity after Update flow stripe payment url generate and update \u2013 V11",
        "Payment Link Created and Pending for 30 Days Sending email alert \u2013 V7",
        "Update Opportunity status When Stripe event changes \u2013 V4",
    ]
    files = render(Spec())
    assert text(_flow(files, flows.reminder.api_name), "label") == flows.reminder.label


def test_invoice_is_sent_after_finalize_unless_the_spec_says_not():
    # Issue 12, defect 3.
    elements = nodes(_create_flow(Spec()))
    assert text(elements["Finalize_Invoice"][1], "connector/targetReference") == "Send_Invoice"
    assert text(elements["Send_Invoice"][1], "actionName") == "stripeGC__v02_PostInvoicesSend"
    quiet = nodes(_create_flow(Spec.model_validate({"invoicing": {"send_invoice": False}})))
    assert "Send_Invoice" not in quiet
    assert text(quiet["Finalize_Invoice"][1], "connector/targetReference") == "Update_Opportunity_Invoice"
    charge = nodes(_create_flow(Spec.model_validate({"invoicing": {"collection_method": "charge_automatically"}})))
    # Stripe sends only send_invoice invoices and needs no payer email to charge a card.
    assert "Send_Invoice" not in charge and "Stop_No_Payer_Email" not in charge


def test_payer_email_fallback_field_and_unusable_customer_option():
    # Issue 12, defects 2 and 7.
    default = nodes(_create_flow(Spec()))
    assert "Use_Fallback_Email" not in default
    assert text(default["Check_Customer_Usable"][1], "defaultConnector/targetReference") == "Use_Existing_Customer"
    assert {text(r, "connector/targetReference") for r in all_of(default["Check_Customer_Usable"][1], "rules")} == {
        "Replace_Customer"
    }
    spec = Spec.model_validate(
        {"invoicing": {"payer_email_field": "Account.Billing_Email__c", "unusable_customer": "log"}}
    )
    flow = _create_flow(spec)
    elements = nodes(flow)
    assert value_of(elements["Use_Fallback_Email"][1].find("{*}assignmentItems/{*}value")) == (
        "elementReference",
        "Get_Account.Billing_Email__c",
    )
    assert {text(r, "connector/targetReference") for r in all_of(elements["Check_Customer_Usable"][1], "rules")} == {
        "Stop_Unusable_Customer"
    }
    queried = [q.text for q in all_of(elements["Get_Account"][1], "queriedFields")]
    assert "Billing_Email__c" in queried


def test_reminder_payer_recipient_is_the_payer_email_field():
    workflow = parse(render(Spec())["main/default/workflows/Opportunity.workflow-meta.xml"])
    for alert in all_of(workflow, "alerts"):
        recipients = [(text(r, "type"), text(r, "field")) for r in all_of(alert, "recipients")]
        assert recipients[:2] == [("email", "Stripe_Payer_Email__c"), ("owner", None)]
