"""Defaults that reproduce the seed's setup (a US nonprofit) without naming any client.

Kept apart from the model so the model reads as a schema and this file as one org's setup.
Reminder bodies are signed with `{!Organization.Name}`, the org's own company name (a
standard merge field of classic email templates:
https://help.salesforce.com/s/articleView?id=sf.merge_fields_valid.htm), so a spec that
keeps the default text never sends another client's signature.
"""

from __future__ import annotations

from typing import Any

REMINDER_BODY = """Dear {account_name},

Our records show that the invoice for "{opportunity_name}" ({amount}) is still unpaid.

You can pay it securely online here:
{invoice_url}

If you have already paid, please disregard this message. Thank you for your support.

{!Organization.Name}
"""

FALLBACK_BODY = """Dear {account_name},

Our records show that the invoice for "{opportunity_name}" ({amount}) is still unpaid.

You can pay it securely online here:
{invoice_url}

Thank you,
{!Organization.Name}
"""

NONPROFIT_BODY = """Dear friends at {account_name},

This is a friendly reminder that the invoice for "{opportunity_name}" ({amount}) is still open.

You can pay it online at any time:
{invoice_url}

If your organization needs a different payment arrangement, just reply to this email.

With thanks,
{!Organization.Name}
"""


def reminder(
    name: str, label: str, subject: str, body: str, recipients: list[dict[str, str]], audience: str | None = None
) -> dict[str, Any]:
    return {
        "alert_name": f"Stripe_Payment_Reminder_{name}",
        "alert_description": f"Stripe payment reminder ({audience or label})",
        "template_name": f"Stripe_Payment_Reminder_{name}",
        "template_label": f"Stripe Payment Reminder {label}",
        "subject": subject,
        "body": body,
        "recipients": recipients,
    }


def default_record_types() -> list[dict[str, Any]]:
    return [
        {
            "developer_name": "Profit",
            "label": "Profit",
            "description": "Opportunities with for-profit organizations.",
            "reminder": reminder(
                "Profit",
                "Profit",
                "Payment reminder: invoice for {!Opportunity.Name}",
                REMINDER_BODY,
                [{"type": "payer"}, {"type": "owner"}],
            ),
        },
        {
            "developer_name": "Nonprofit",
            "label": "Nonprofit",
            "description": "Opportunities with nonprofit organizations.",
            "reminder": reminder(
                "Nonprofit",
                "Nonprofit",
                "Friendly reminder: invoice for {!Opportunity.Name}",
                NONPROFIT_BODY,
                [{"type": "payer"}, {"type": "owner"}, {"type": "accountOwner"}],
            ),
        },
    ]


def default_fallback_reminder() -> dict[str, Any]:
    return reminder(
        "Other",
        "Other",
        "Payment reminder: invoice for {!Opportunity.Name}",
        FALLBACK_BODY,
        [{"type": "payer"}, {"type": "owner"}],
        audience="other record types",
    )


def flow_descriptions() -> dict[str, str]:
    """Default description of each flow kind (generator/flow_kinds.py)."""
    from generator.flow_kinds import FLOW_KINDS

    return {kind.key: kind.description for kind in FLOW_KINDS}


def default_flows() -> dict[str, dict[str, Any]]:
    """Default names of each flow kind (generator/flow_kinds.py)."""
    from generator.flow_kinds import FLOW_KINDS

    return {
        kind.key: {"api_name": kind.api_name, "label": kind.label, "trigger_order": kind.trigger_order}
        for kind in FLOW_KINDS
    }
