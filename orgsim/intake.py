"""Stripe event intake: one `<namespace>__Stripe_Event__c` per Stripe event id, repeats ignored
(the namespace the org's connector is installed under; names from sfmeta/connector_package.py).

Stored the way docs/architecture.md ("Default names", connector objects) describes the
connector's records:
- `Name` = the Stripe event id (evt_...). The emulator keeps the id there, the object's standard
  name field, so a redelivery (Stripe delivers at least once) is recognised without inventing
  package fields;
- `<namespace>__Event_Name__c` = the event type (invoice.paid, ...);
- `<namespace>__Request_Body__c` = the JSON of the event's `data`, i.e. {"object": {...}}, written
  the way Stripe writes webhook bodies (2-space indentation, `"key": value`), so text functions
  in flows (FIND/MID on `"id": "in_`) see the same text as in a real org.

Creating the record is a normal insert: it fires the flows on the Stripe Event object.
"""

from __future__ import annotations

import json
from decimal import Decimal

from orgsim.errors import OrgError
from orgsim.storage.predicate import eq
from sfmeta.connector_package import EVENT_NAME, REQUEST_BODY


def request_body(event: dict) -> str:
    # Stripe sends *_decimal amounts as strings; the SDK turns them into Decimal: write them back as strings.
    return json.dumps(
        event["data"],
        indent=2,
        ensure_ascii=False,
        default=lambda value: str(value) if isinstance(value, Decimal) else _unserializable(value),
    )


def _unserializable(value):
    raise OrgError(f"the event holds a value JSON cannot carry: {type(value).__name__}")


def intake_stripe_event(org, event: dict, *, run_due: bool = True) -> dict:
    """`run_due=False`: return once the event record is committed, leaving due async work to the
    caller (Org.insert)."""
    if (
        not isinstance(event, dict)
        or not str(event.get("id", "")).startswith("evt_")
        or "type" not in event
        or not isinstance(event.get("data"), dict)
        or "object" not in event["data"]
    ):
        raise OrgError("a Stripe event needs id (evt_...), type and data.object", status_code="INVALID_INPUT")
    body = request_body(event)
    package = org.metadata.connector.package
    with org.store.lock:  # check and insert as one step: concurrent redeliveries must not both insert
        existing = org.select(package.stripe_event, ["Id"], eq("Name", event["id"]), limit=1)
        if existing:
            return {"id": existing[0]["Id"], "created": False, "success": True, "errors": []}
        result = org.insert(
            package.stripe_event,
            [{"Name": event["id"], package.name(EVENT_NAME): event["type"], package.name(REQUEST_BODY): body}],
            run_due=run_due,
        )[0]
    return {"id": result.id, "created": result.success, "success": result.success, "errors": result.errors}
