"""Classic email templates (EmailTemplate metadata + .email body) with merge fields.

Merge fields resolved: `{!<Object>.<Field>}` for the alert's object (parent fields through
relationships, e.g. `{!Opportunity.Account.Name}`), `{!Account.<Field>}` through the record's
AccountId, `{!User.<Field>}` (the sending user), `{!Organization.Name}`. Anything else is
refused when the template is used by a deployed alert, naming the field.

Currency merge fields are refused too. How Salesforce prints a currency field in an email
template (currency symbol or ISO code, the locale's separators, and whether the decimal
places of the currency set in Setup > Manage Currencies apply, e.g. 0 for JPY) is not
documented for Classic or Lightning email templates: Salesforce Help, "Use the Salesforce Merge
Language in Classic Email Templates" (help.salesforce.com, sales.merge_fields_email_templates_cex.htm)
describes the syntax and substitute text, not number formatting. Rather than guess, the
emulator refuses the template at deploy, naming the field; sfpay's reminders merge a text
field the invoicing flow writes, already formatted for the spec's currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from orgsim.errors import MetadataError
from orgsim.flows.records import check_field_path, field_path
from orgsim.flows.values import MERGE_RE
from orgsim.formula.values import to_text
from sfmeta.xml import text

SUPPORTED_TYPES = {"text", "html", "custom"}


@dataclass
class EmailTemplate:
    full_name: str  # Folder/Name
    name: str
    subject: str
    type: str
    body: str
    where: str

    def merge_fields(self) -> list[str]:
        return [m.group(1) for m in MERGE_RE.finditer(self.subject + "\n" + self.body)]


def parse_template(comp) -> EmailTemplate:
    el = comp.element
    ttype = (text(el, "type", "text") or "text").strip()
    if ttype not in SUPPORTED_TYPES:
        raise MetadataError(
            f"email template type {ttype!r} is not supported (expected text, html or custom)", where=comp.where
        )
    return EmailTemplate(
        comp.name,
        text(el, "name", comp.name) or comp.name,
        text(el, "subject", "") or "",
        ttype,
        comp.body or "",
        comp.where,
    )


def check_merge_fields(org, template: EmailTemplate, sobject_name: str, where: str) -> None:
    for path in template.merge_fields():
        try:
            field = _resolver(org, sobject_name, path, check_only=True)
        except Exception as exc:  # noqa: BLE001 - reported as metadata error with the field
            raise MetadataError(
                f"email template {template.full_name}: merge field {{!{path}}} cannot be resolved "
                f"for {sobject_name}: {exc}",
                where=where,
            ) from None
        if getattr(field, "type", None) == "currency":
            raise MetadataError(
                f"email template {template.full_name}: merge field {{!{path}}} is a currency field; how "
                "Salesforce formats a currency merge field in an email template (symbol or ISO code, "
                "decimal places of the currency) is not documented, so the emulator does not guess it: "
                "merge a text field holding the formatted amount instead",
                where=where,
            )


def _checked_field(org, sobject, parts: list[str]):
    """The field at the end of `parts` (raises as check_field_path does for an unknown one)."""
    check_field_path(org, sobject, parts)
    for rel in parts[:-1]:
        sobject = org.schema.get(sobject.relationship(rel).reference_to)
    return sobject.field(parts[-1])


def _resolver(org, sobject_name: str, path: str, record: dict | None = None, check_only: bool = False):
    parts = path.split(".")
    head, rest = parts[0], parts[1:]
    sobject = org.schema.get(sobject_name)
    if not rest:
        raise ValueError("expected Object.Field")
    # Classic merge fields name a lookup by its relationship ({!Opportunity.Account}) to print
    # the related record's name.
    if (
        head.lower() == sobject.name.lower()
        and len(rest) == 1
        and not sobject.has_field(rest[0])
        and sobject.has_relationship(rest[0])
    ):
        rest = rest + ["Name"]
    if head.lower() == sobject.name.lower():
        if check_only:
            return _checked_field(org, sobject, rest)
        return field_path(org, sobject, record, rest)
    if head == "Account" and sobject.has_relationship("Account"):
        if check_only:
            return _checked_field(org, sobject, ["Account"] + rest)
        return field_path(org, sobject, record, ["Account"] + rest)
    if head == "User":
        user = org.schema.get("User")
        if check_only:
            return _checked_field(org, user, rest)
        return field_path(org, user, org.store.get_row(user, org.user_id), rest)
    if head == "Organization" and rest == ["Name"]:
        return None if check_only else org.org_name
    raise ValueError(f"unknown merge field root {head}")


def render(org, template: EmailTemplate, sobject_name: str, record: dict) -> tuple[str, str]:
    def sub(match):
        value = _resolver(org, sobject_name, match.group(1), record)
        if isinstance(value, Decimal):
            # Number merge fields print with grouping and two decimals (currency fields are
            # refused at deploy: check_merge_fields).
            return f"{value:,.2f}"
        return to_text(value) or ""

    return MERGE_RE.sub(sub, template.subject), MERGE_RE.sub(sub, template.body)
