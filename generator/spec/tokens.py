"""Placeholders in invoice/line descriptions, e.g. "Invoice for {opportunity_name}".

Descriptions become Flow text templates; each placeholder maps to a Flow merge field of the
re-read Opportunity (or Account) record, so values are current when the invoice is issued.
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")

# placeholder -> Flow reference, with {opp} / {account} standing for the lookup elements.
PLACEHOLDERS = {
    "opportunity_name": "{opp}.Name",
    "opportunity_id": "{opp}.Id",
    "account_name": "{account}.Name",
    "revision": "Next_Revision",
}


def unknown_placeholders(text: str) -> list[str]:
    return [m for m in PLACEHOLDER.findall(text) if m not in PLACEHOLDERS]


def to_flow_text(text: str, opp: str, account: str) -> str:
    """Replace placeholders with `{!...}` merge fields for a Flow text template."""

    def merge(match: re.Match[str]) -> str:
        ref = PLACEHOLDERS[match.group(1)].format(opp=opp, account=account)
        return "{!" + ref + "}"

    return PLACEHOLDER.sub(merge, text)


# Email body placeholders -> Salesforce merge fields ({!Opportunity.Name} style merge fields
# may also be written directly; they have a "!" and are left alone).
EMAIL_PLACEHOLDERS = {
    "opportunity_name": "{!Opportunity.Name}",
    "account_name": "{!Opportunity.Account}",
    # The invoiced amount as text the invoicing flow formats for the spec's currency: how an
    # email template prints a currency merge field ({!Opportunity.Amount}) is not documented.
    "amount": "{!Opportunity.%(invoiced_amount_text)s}",
    "invoice_url": "{!Opportunity.%(invoice_url)s}",
    "invoice_id": "{!Opportunity.%(invoice_id)s}",
}
EMAIL_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def unknown_email_placeholders(text: str) -> list[str]:
    return [m for m in EMAIL_PLACEHOLDER.findall(text) if m not in EMAIL_PLACEHOLDERS]


def email_body(text: str, field_names: dict[str, str]) -> str:
    def sub(match: re.Match[str]) -> str:
        return EMAIL_PLACEHOLDERS[match.group(1)] % field_names

    return EMAIL_PLACEHOLDER.sub(sub, text)
