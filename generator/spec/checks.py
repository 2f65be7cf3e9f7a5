"""Cross-field rules of a spec that pydantic's per-field validation cannot express.

Each rule yields `(key path tuple, message)`; the loader attaches file and line.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.spec.model import Spec
from generator.spec.tokens import (
    EMAIL_PLACEHOLDERS,
    PLACEHOLDERS,
    unknown_email_placeholders,
    unknown_placeholders,
)

Finding = tuple[tuple, str]


def check_spec(spec: Spec) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(spec))
    return findings


def _status_values(spec: Spec) -> Iterator[Finding]:
    status = spec.fields.payment_status
    seen: set[str] = set()
    for i, value in enumerate(status.values):
        if value in seen:
            yield ("fields", "payment_status", "values", i), f"duplicate picklist value '{value}'"
        seen.add(value)
    for role in ("open", "paid", "void"):
        value = getattr(status, role)
        if value not in status.values:
            yield (
                ("fields", "payment_status", role),
                f"'{value}' is not a payment status value (expected one of: {', '.join(status.values)})",
            )


def _events(spec: Spec) -> Iterator[Finding]:
    values = spec.fields.payment_status.values
    for event, status in spec.events.items():
        if status not in values:
            yield (
                ("events", event),
                f"'{status}' is not a payment status value (expected one of: {', '.join(values)})",
            )
    if not spec.events:
        yield ("events",), "no events mapped (expected at least one, e.g. invoice.paid: Paid)"


def _reminders(spec: Spec) -> Iterator[Finding]:
    status = spec.fields.payment_status
    for i, value in enumerate(spec.reminders.unpaid_statuses):
        if value not in status.values:
            yield (
                ("reminders", "unpaid_statuses", i),
                f"'{value}' is not a payment status value (expected one of: {', '.join(status.values)})",
            )
        elif value == status.paid:
            yield (
                ("reminders", "unpaid_statuses", i),
                f"'{value}' is the paid status (expected statuses that still need a reminder)",
            )
    seen: set[tuple[int, str]] = set()
    for i, offset in enumerate(spec.reminders.offsets):
        key = (offset.number, offset.unit)
        if key in seen:
            yield ("reminders", "offsets", i), f"duplicate offset {offset.number} {offset.unit}"
        seen.add(key)


def _invoicing(spec: Spec) -> Iterator[Finding]:
    inv = spec.invoicing
    if inv.collection_method == "charge_automatically" and inv.days_until_due is not None:
        yield (
            ("invoicing", "days_until_due"),
            "only applies to collection_method send_invoice (expected no value)",
        )
    for key in ("invoice_description", "line_description"):
        for token in unknown_placeholders(getattr(inv, key)):
            yield (
                ("invoicing", key),
                f"unknown placeholder {{{token}}} (expected one of: "
                f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)})",
            )
    if len(set(inv.eligible_stages)) != len(inv.eligible_stages):
        yield ("invoicing", "eligible_stages"), "stages are listed more than once"


def _business_process(spec: Spec) -> Iterator[Finding]:
    if not spec.record_types.create:
        return
    stages = spec.record_types.business_process.stages
    allowed = ", ".join(stages)
    for i, stage in enumerate(spec.invoicing.eligible_stages):
        if stage not in stages:
            yield (
                ("invoicing", "eligible_stages", i),
                f"stage '{stage}' is not in record_types.business_process.stages (expected one of: {allowed})",
            )
    if spec.invoicing.won_stage not in stages:
        yield (
            ("invoicing", "won_stage"),
            f"stage '{spec.invoicing.won_stage}' is not in record_types.business_process.stages "
            f"(expected one of: {allowed})",
        )


def _unique_names(spec: Spec) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for key, field in spec.fields:
        if field.api_name in seen:
            yield (
                ("fields", key, "api_name"),
                f"'{field.api_name}' is already used by fields.{seen[field.api_name]}",
            )
        seen[field.api_name] = key
    flows: dict[str, str] = {}
    for key, flow in spec.flows:
        if key == "status":
            continue
        if flow.api_name in flows:
            yield (("flows", key, "api_name"), f"'{flow.api_name}' is already used by flows.{flows[flow.api_name]}")
        flows[flow.api_name] = key
    types_seen: set[str] = set()
    alerts: dict[str, tuple] = {}
    templates: dict[str, tuple] = {}
    for i, rt in enumerate(spec.record_types.types):
        if rt.developer_name in types_seen:
            yield (("record_types", "types", i, "developer_name"), f"duplicate record type '{rt.developer_name}'")
        types_seen.add(rt.developer_name)
    reminders = [(("record_types", "types", i, "reminder"), rt.reminder) for i, rt in enumerate(spec.record_types.types)]
    reminders.append((("fallback_reminder",), spec.fallback_reminder))
    for loc, reminder in reminders:
        if reminder.alert_name in alerts:
            yield (loc + ("alert_name",), f"alert '{reminder.alert_name}' is already defined at {_dotted(alerts[reminder.alert_name])}")
        alerts.setdefault(reminder.alert_name, loc)
        if reminder.template_name in templates:
            yield (
                loc + ("template_name",),
                f"template '{reminder.template_name}' is already defined at {_dotted(templates[reminder.template_name])}",
            )
        templates.setdefault(reminder.template_name, loc)


def _recipients(spec: Spec) -> Iterator[Finding]:
    reminders = [(("record_types", "types", i, "reminder"), rt.reminder) for i, rt in enumerate(spec.record_types.types)]
    reminders.append((("fallback_reminder",), spec.fallback_reminder))
    for loc, reminder in reminders:
        if not reminder.recipients:
            yield loc + ("recipients",), "no recipients (expected at least one, e.g. - type: owner)"
        for i, rcpt in enumerate(reminder.recipients):
            where = loc + ("recipients", i)
            if rcpt.type in ("user", "role", "group") and not rcpt.recipient:
                yield where, f"type {rcpt.type} needs 'recipient' (expected a username or developer name)"
            if rcpt.type in ("email", "contactLookup", "userLookup") and not rcpt.field:
                yield where, f"type {rcpt.type} needs 'field' (expected an Opportunity field API name)"
        for key in ("subject", "body"):
            for token in unknown_email_placeholders(getattr(reminder, key)):
                yield (
                    loc + (key,),
                    f"unknown placeholder {{{token}}} (expected one of: "
                    f"{', '.join('{' + p + '}' for p in EMAIL_PLACEHOLDERS)}, or a merge field like {{!Opportunity.Name}})",
                )
        if reminder.sender.type == "OrgWideEmailAddress" and not reminder.sender.address:
            yield loc + ("sender",), "OrgWideEmailAddress needs 'address' (expected an org-wide email address)"


def _customer_field(spec: Spec) -> Iterator[Finding]:
    field = spec.customer_id_field
    if field.create and not field.api_name.endswith("__c"):
        yield (
            ("customer_id_field", "api_name"),
            f"'{field.api_name}' cannot be created (expected a custom field name ending in __c)",
        )
    if field.create and field.api_name.count("__") > 1:
        yield (
            ("customer_id_field", "api_name"),
            f"'{field.api_name}' has a namespace prefix; a field we create cannot "
            "(expected e.g. Stripe_Customer_ID__c, or create: false to use the package field)",
        )


# The reminder flow names elements after record types; Flow element names hold 80 characters.
LONGEST_REMINDER_ELEMENT_PREFIX = "Log_Fault_Send_Reminder_"
FLOW_NAME_LIMIT = 80


def _record_type_name_lengths(spec: Spec) -> Iterator[Finding]:
    room = FLOW_NAME_LIMIT - len(LONGEST_REMINDER_ELEMENT_PREFIX)
    for i, rt in enumerate(spec.record_types.types):
        if len(rt.developer_name) > room:
            yield (
                ("record_types", "types", i, "developer_name"),
                f"'{rt.developer_name}' is {len(rt.developer_name)} characters; flow element names "
                f"built from it would pass Salesforce's 80 (expected at most {room} characters)",
            )


def _dotted(loc: tuple) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")


RULES = (
    _status_values,
    _events,
    _reminders,
    _invoicing,
    _business_process,
    _unique_names,
    _recipients,
    _customer_field,
    _record_type_name_lengths,
)
