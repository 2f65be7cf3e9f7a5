"""Cross-field rules of a spec that pydantic's per-field validation cannot express.

Each rule yields `(key path tuple, message)`; the loader attaches file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from generator.errors import Loc
from generator.spec.model import Reminder, Spec
from generator.spec.tokens import (
    EMAIL_PLACEHOLDERS,
    PLACEHOLDERS,
    unknown_email_placeholders,
    unknown_placeholders,
)

Finding = tuple[Loc, str]


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
                f"unknown placeholder {{{token}}} (expected one of: {', '.join('{' + p + '}' for p in PLACEHOLDERS)})",
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
    alerts: dict[str, Loc] = {}
    templates: dict[str, Loc] = {}
    for i, rt in enumerate(spec.record_types.types):
        if rt.developer_name in types_seen:
            yield (("record_types", "types", i, "developer_name"), f"duplicate record type '{rt.developer_name}'")
        types_seen.add(rt.developer_name)
    for loc, reminder in _all_reminders(spec):
        if reminder.alert_name in alerts:
            yield (
                loc + ("alert_name",),
                f"alert '{reminder.alert_name}' is already defined at {_dotted(alerts[reminder.alert_name])}",
            )
        alerts.setdefault(reminder.alert_name, loc)
        if reminder.template_name in templates:
            yield (
                loc + ("template_name",),
                f"template '{reminder.template_name}' is already defined at {_dotted(templates[reminder.template_name])}",
            )
        templates.setdefault(reminder.template_name, loc)


def _recipients(spec: Spec) -> Iterator[Finding]:
    currency_merges = {"opportunity.amount", f"opportunity.{spec.fields.invoiced_amount.api_name}".lower()}
    for loc, reminder in _all_reminders(spec):
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
            for merge in re.findall(r"\{!\s*([\w.]+)\s*\}", getattr(reminder, key)):
                if merge.lower() in currency_merges:
                    yield (
                        loc + (key,),
                        f"{{!{merge}}} is a currency field: how an email template prints one is not "
                        "documented (symbol, decimals of the currency); use {amount}, the invoiced amount "
                        "formatted for the spec's currency",
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


def _dotted(loc: Loc) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")


RULES: tuple[Callable[[Spec], Iterator[Finding]], ...] = (
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


# --- Rules Salesforce or Stripe would enforce only at deploy or call time (issue 14, item 14).
# Their sources are in generator.facts.salesforce_limits and generator.facts.stripe_api.


def _named_components(spec: Spec) -> Iterator[tuple[str, Loc, str]]:
    """(kind, key path, API name) of every component the spec names; one namespace per kind."""
    for key, field in spec.fields:
        yield "Opportunity field", ("fields", key, "api_name"), field.api_name
    if spec.customer_id_field.create:
        yield "Account field", ("customer_id_field", "api_name"), spec.customer_id_field.api_name
    for key, flow in spec.flows:
        if key != "status":
            yield "flow", ("flows", key, "api_name"), flow.api_name
    for i, rt in enumerate(spec.record_types.types):
        yield "record type", ("record_types", "types", i, "developer_name"), rt.developer_name
    for loc, reminder in _all_reminders(spec):
        yield "email alert", loc + ("alert_name",), reminder.alert_name
        yield "email template", loc + ("template_name",), reminder.template_name
    yield "business process", ("record_types", "business_process", "name"), spec.record_types.business_process.name
    yield "email folder", ("email_folder", "name"), spec.email_folder.name
    yield "permission set", ("permission_set", "name"), spec.permission_set.name


def _all_reminders(spec: Spec) -> list[tuple[tuple[Any, ...], Reminder]]:
    found: list[tuple[tuple[Any, ...], Reminder]] = [
        (("record_types", "types", i, "reminder"), rt.reminder) for i, rt in enumerate(spec.record_types.types)
    ]
    found.append((("fallback_reminder",), spec.fallback_reminder))
    return found


def _name_whitespace(spec: Spec) -> Iterator[Finding]:
    # Python's `$` also matches before a final newline, so "Stripe_ID__c\n" passes the name
    # patterns and would be written as a file called "Stripe_ID__c\n.field-meta.xml".
    for kind, loc, name in _named_components(spec):
        if name != name.strip() or any(c.isspace() for c in name):
            yield loc, f"{kind} name {name!r} contains whitespace (expected an API name without spaces or line breaks)"


def _case_duplicates(spec: Spec) -> Iterator[Finding]:
    seen: dict[tuple[str, str], tuple[Loc, str]] = {}
    for kind, loc, name in _named_components(spec):
        key = (kind, name.lower())
        if key in seen and seen[key][1] != name:
            yield (
                loc,
                (
                    f"{kind} '{name}' differs only in case from '{seen[key][1]}' at {_dotted(seen[key][0])}; "
                    "Salesforce names are case-insensitive (expected a different name)"
                ),
            )
        seen.setdefault(key, (loc, name))
    values: dict[str, str] = {}
    for i, value in enumerate(spec.fields.payment_status.values):
        other = values.get(value.lower())
        if other is not None and other != value:
            yield (
                ("fields", "payment_status", "values", i),
                f"picklist value '{value}' differs only in case from '{other}'; Salesforce picklist values "
                "are case-insensitive (expected a different value)",
            )
        values.setdefault(value.lower(), value)


def _blank_picklist_values(spec: Spec) -> Iterator[Finding]:
    for i, value in enumerate(spec.fields.payment_status.values):
        if not value.strip():
            yield ("fields", "payment_status", "values", i), f"picklist value {value!r} is blank (expected text)"


def _custom_field_lengths(spec: Spec) -> Iterator[Finding]:
    from generator.facts.salesforce_limits import CUSTOM_FIELD_NAME_LIMIT

    for kind, loc, name in _named_components(spec):
        if not kind.endswith("field"):
            continue
        base = name.removesuffix("__c")
        if len(base) > CUSTOM_FIELD_NAME_LIMIT:
            yield (
                loc,
                (
                    f"'{name}' has a {len(base)}-character name before __c; Salesforce allows "
                    f"{CUSTOM_FIELD_NAME_LIMIT} (expected at most {CUSTOM_FIELD_NAME_LIMIT} characters before __c)"
                ),
            )


def _api_version(spec: Spec) -> Iterator[Finding]:
    from generator.facts.salesforce_limits import OLDEST_API_VERSION, WSDL_API_VERSION, api_version_supported

    if not api_version_supported(spec.api_version):
        yield (
            ("api_version",),
            (
                f"Metadata API version {spec.api_version} is not supported (expected {OLDEST_API_VERSION}.0 to "
                f"{WSDL_API_VERSION}.0: retired versions are refused by orgs, newer ones are not in the vendored WSDL)"
            ),
        )


def _currency(spec: Spec) -> Iterator[Finding]:
    from generator.facts.stripe_api import CURRENCIES, exponent

    code = spec.currency.code
    if code not in CURRENCIES:
        yield (
            ("currency", "code"),
            (
                f"'{code}' is not a currency Stripe supports (expected a code from "
                "https://docs.stripe.com/currencies such as usd, eur or jpy)"
            ),
        )
        return
    given = spec.currency.exponent
    if given is not None and given != exponent(code):
        yield (
            ("currency", "exponent"),
            (
                f"{code} has {exponent(code)} decimal place(s) in Stripe amounts, not {given} "
                f"(expected {exponent(code)}, or leave exponent out)"
            ),
        )


def _stripe_names(spec: Spec) -> Iterator[Finding]:
    import datetime

    from generator.facts.stripe_api import SdkUnavailable, api_version_dates, event_types

    try:
        known_versions, known_events = api_version_dates(), event_types()
    except SdkUnavailable as exc:
        yield ("stripe",), f"cannot check Stripe names: {exc} (expected the stripe package sfpay depends on)"
        return
    version = spec.stripe.api_version
    try:
        datetime.date.fromisoformat(version)
    except ValueError:
        yield (
            ("stripe", "api_version"),
            f"'{version}' is not a date (expected a Stripe API version date such as 2025-04-30)",
        )
    else:
        if version not in known_versions:
            yield (
                ("stripe", "api_version"),
                (
                    f"'{version}' is not a Stripe API version (expected one of the installed stripe SDK's, "
                    f"{min(known_versions)} to {max(known_versions)}, e.g. 2025-04-30)"
                ),
            )
    for event in spec.events:
        if event not in known_events:
            yield (
                ("events", event),
                (
                    f"'{event}' is not a Stripe event type (expected a type the stripe SDK "
                    "lists for webhook endpoints, e.g. invoice.paid)"
                ),
            )


def _recipient_values(spec: Spec) -> Iterator[Finding]:
    import re

    from generator.facts.salesforce_limits import EMAIL
    from generator.spec.model import ANY_FIELD_NAME, DEVELOPER_NAME

    field_name = re.compile(ANY_FIELD_NAME.removesuffix("$") + r"\Z")
    developer_name = re.compile(DEVELOPER_NAME.removesuffix("$") + r"\Z")
    for loc, reminder in _all_reminders(spec):
        for i, rcpt in enumerate(reminder.recipients):
            where = loc + ("recipients", i)
            if rcpt.field is not None and not field_name.match(rcpt.field):
                yield (
                    where + ("field",),
                    (f"invalid value {rcpt.field!r} (expected an Opportunity field API name, e.g. Payer_Email__c)"),
                )
            if rcpt.recipient is None:
                continue
            if rcpt.type == "user" and not EMAIL.match(rcpt.recipient):
                yield (
                    where + ("recipient",),
                    (
                        f"invalid value {rcpt.recipient!r} (expected a username, which "
                        "Salesforce writes as an email address)"
                    ),
                )
            if rcpt.type in ("role", "group") and not developer_name.match(rcpt.recipient):
                yield (
                    where + ("recipient",),
                    (f"invalid value {rcpt.recipient!r} (expected the {rcpt.type}'s developer name)"),
                )
        address = reminder.sender.address
        if address is not None and not EMAIL.match(address):
            yield loc + ("sender", "address"), f"invalid value {address!r} (expected an email address)"


def _customer_field_is_custom(spec: Spec) -> Iterator[Finding]:
    name = spec.customer_id_field.api_name
    if not spec.customer_id_field.create and not name.endswith("__c"):
        yield (
            ("customer_id_field", "api_name"),
            (
                f"'{name}' is a standard Account field; the flows would overwrite it with the Stripe customer id "
                "(expected a custom field such as stripeGC__Customer_Id__c)"
            ),
        )


RULES = RULES + (
    _name_whitespace,
    _case_duplicates,
    _blank_picklist_values,
    _custom_field_lengths,
    _api_version,
    _currency,
    _stripe_names,
    _recipient_values,
    _customer_field_is_custom,
)


# --- Flow merge syntax in spec text (issue 14, item 6).
# Spec text lands in flow metadata: text templates (invoice descriptions, log messages),
# formulas and filter values (stages, status values, the Stripe account name), interview
# labels (flow labels). Flow resolves `{!...}` there as a merge field, so "a{!$Record.Name}b"
# would be replaced by a record's data instead of being written. Salesforce documents no way
# to write a literal "{!" in those places (Flow Builder, "Flow Resource: Text Template";
# https://help.salesforce.com/s/articleView?id=platform.flow_ref_resources_text_template.htm),
# so the spec refuses it. The reminder subjects and bodies are the exception: they become
# classic email templates, whose merge fields ({!Opportunity.Name}) are a documented feature
# (https://help.salesforce.com/s/articleView?id=sf.merge_fields_valid.htm), kept as written.
MERGE_SYNTAX = "{!"
EMAIL_TEMPLATE_KEYS = ("subject", "body")


def _is_email_template_text(loc: Loc) -> bool:
    return len(loc) >= 2 and loc[-1] in EMAIL_TEMPLATE_KEYS and loc[-2] in ("reminder", "fallback_reminder")


def _strings(node: object, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield loc + (key,), key
            yield from _strings(value, loc + (key,))
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _strings(value, loc + (i,))
    elif isinstance(node, str):
        yield loc, node


def _flow_merge_syntax(spec: Spec) -> Iterator[Finding]:
    for loc, text in _strings(spec.model_dump(mode="python")):
        if MERGE_SYNTAX in text and not _is_email_template_text(loc):
            yield (
                loc,
                f"'{text}' contains '{{!', Flow's merge-field syntax: this text lands in flow metadata, where "
                "Salesforce would replace it with record data, and Flow has no documented escape for it "
                "(expected text without '{!'; placeholders such as {opportunity_name} are written without '!'; "
                "merge fields like {!Opportunity.Name} belong only in a reminder's subject and body)",
            )


RULES = RULES + (_flow_merge_syntax,)
