"""`--apply`: repair a stale status the way production would have, never by writing the status.

The fix records the Stripe event the org missed as a `<ns>__Stripe_Event__c` record, exactly
what the connector's webhook listener stores for a delivery (Name = the event id, Event_Name__c
= its type, Request_Body__c = the JSON of its `data`, as orgsim/intake.py and
docs/architecture.md describe the connector's records). Creating it starts Flow 4, which
re-reads the invoice from Stripe and applies its current status (and the won stage for a paid
one) with its own guards. Each fix also writes a Sync Log saying what reconcile did.

Idempotent: the record's Name is the Stripe event id, and an event already recorded is never
recorded again: a second run while Flow 4's scheduled path has not run yet reports the fix as
pending, and one after the flow stopped on it reports the Sync Log the flow wrote. When Stripe no longer lists the event (it keeps events 30 days:
https://docs.stripe.com/api/events/list), an event is built from the invoice itself with a
stable name, `sfpay_reconcile_<invoice>_<status>`: Flow 4 only takes the invoice id from it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from operate.reconcile.facts import Facts
from operate.reconcile.findings import Finding
from operate.reconcile.sources import events_for, retrieve_invoice, soql_quote

ACTION_PREFIX = "Reconcile:"  # Sync Logs reconcile writes start with this


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # Stripe sends *_decimal amounts as strings
    raise TypeError(f"cannot serialize {type(value).__name__}")


def request_body(event: dict[str, Any]) -> str:
    # Stripe's webhook bodies are indented JSON; the connector stores the event's `data`.
    return json.dumps(event["data"], indent=2, ensure_ascii=False, default=_json_default)


def latest_event(client: Any, invoice: Any, event_type: str) -> dict[str, Any]:
    """The Stripe event that reported the invoice's current status, or one built from the invoice."""
    transitions = invoice.get("status_transitions") or {}
    at = {
        "paid": transitions.get("paid_at"),
        "void": transitions.get("voided_at"),
        "uncollectible": transitions.get("marked_uncollectible_at"),
    }.get(invoice["status"])
    found = events_for(client, invoice["id"], [event_type], at) if at else []
    if found:
        return found[0]
    return {
        "id": f"sfpay_reconcile_{invoice['id']}_{invoice['status']}",
        "type": event_type,
        "data": {"object": invoice},
    }


def _existing(sf: Any, facts: Facts, name: str) -> dict[str, Any] | None:
    rows = sf.query(f"SELECT Id, CreatedDate FROM {facts.event_object} WHERE Name = {soql_quote(name)} LIMIT 1")[
        "records"
    ]
    return rows[0] if rows else None


def _failure_log(sf: Any, facts: Facts, record: dict[str, Any]) -> dict[str, Any] | None:
    """A Sync Log the event flow wrote about `record` (its fault and note handlers name
    "Stripe Event <Id>"). Long text areas cannot be filtered in SOQL, so the logs written
    since the record are read and searched here; they are few."""
    ns = facts.namespace
    soql = (
        f"SELECT Id, {ns}__Action_Taken__c, {ns}__Message__c, {ns}__Error_Details__c FROM {facts.sync_log_object} "
        f"WHERE CreatedDate >= {record['CreatedDate'].replace('+0000', 'Z')}"
    )
    for log in sf.query_all_iter(soql):
        ours = (log.get(f"{ns}__Action_Taken__c") or "").startswith(ACTION_PREFIX)
        if not ours and f"Stripe Event {record['Id']}" in (log.get(f"{ns}__Error_Details__c") or ""):
            return log
    return None


def fix(sf: Any, client: Any, facts: Facts, finding: Finding) -> str:
    """Apply one fixable finding; returns what was done (for the report)."""
    invoice = retrieve_invoice(client, finding.invoice_id or "")
    if invoice is None:
        return "not applied: Stripe no longer has the invoice"
    event_type = facts.replay_event(invoice["status"])
    if event_type is None:
        return f"not applied: the invoice is {invoice['status']} now, which no spec event reports"
    event = latest_event(client, invoice, event_type)
    name = event["id"]
    existing = _existing(sf, facts, name)
    if existing is not None:
        log = _failure_log(sf, facts, existing)
        if log is None:
            return (
                f"pending: Stripe Event {existing['Id']} ({name}) is recorded and awaits the event flow's Stripe path"
            )
        ns = facts.namespace
        return (
            f"not applied: the event flow stopped on Stripe Event {existing['Id']} ({name}): "
            f"{log.get(f'{ns}__Action_Taken__c')}: {log.get(f'{ns}__Message__c')}"
        )
    created = getattr(sf, facts.event_object).create(
        {
            "Name": name,
            f"{facts.namespace}__Event_Name__c": event_type,
            f"{facts.namespace}__Request_Body__c": request_body(event),
        }
    )
    record_id = created["id"]
    _sync_log(sf, facts, finding, event_type, name, record_id)
    return f"replayed {event_type} as Stripe Event {record_id} ({name})"


def _sync_log(sf: Any, facts: Facts, finding: Finding, event_type: str, event_name: str, record_id: str) -> None:
    ns = facts.namespace
    getattr(sf, facts.sync_log_object).create(
        {
            f"{ns}__Action_Taken__c": f"{ACTION_PREFIX} replayed {event_type}",
            f"{ns}__Message__c": (
                f"sfpay reconcile found invoice {finding.invoice_id} {finding.stripe_status} in Stripe while "
                f"the Opportunity showed {finding.org_status or 'no status'} ({finding.kind.value}); it "
                f"recorded Stripe event {event_name} so the event flow re-reads the invoice and applies it."
            ),
            f"{ns}__Error_Details__c": (
                f"Opportunity {finding.opportunity_id}, invoice {finding.invoice_id}, Stripe Event {record_id}"
            ),
        }
    )
