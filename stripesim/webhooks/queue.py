"""The delivery queue (stored, so pending deliveries survive a restart) and its test switches.

A delivery is one attempt series of one event to one endpoint. Switches (per account,
set through `/_sim/webhooks`):

- `paused`: queue deliveries but send nothing until released;
- `order`: `created` (oldest first, default), `reverse` (newest first) or `shuffle`;
- `duplicates`: extra copies of every delivery (at-least-once delivery made visible);
- `delay_seconds`: a delivery becomes due this long after its event;
- `signature_offset_seconds`: sign with a timestamp this far from now (negative = stale).
"""

from __future__ import annotations

import time
from typing import Any

from stripesim import ids
from stripesim.context import Operation
from stripesim.json_shapes import StripeObject

DEFAULT_SWITCHES: dict[str, Any] = {
    "paused": False,
    "order": "created",
    "duplicates": 0,
    "delay_seconds": 0.0,
    "signature_offset_seconds": 0,
    "shuffle_seed": 0,
}
ORDERS = ("created", "reverse", "shuffle")


def switches(op: Operation) -> dict[str, Any]:
    stored = op.tx.get("sim_state", "webhooks") or {}
    return {**DEFAULT_SWITCHES, **{k: v for k, v in stored.items() if k in DEFAULT_SWITCHES}}


def save_switches(op: Operation, values: dict[str, Any]) -> dict[str, Any]:
    op.tx.put("sim_state", "webhooks", {"id": "webhooks", **values})
    return values


def matching_endpoints(op: Operation, event_type: str) -> list[StripeObject]:
    result = []
    for endpoint in op.tx.scan("webhook_endpoint"):
        if endpoint.get("deleted") or endpoint["status"] != "enabled":
            continue
        enabled = endpoint["enabled_events"]
        if "*" in enabled or event_type in enabled:
            result.append(endpoint)
    return result


def enqueue_for_event(op: Operation, event: StripeObject, endpoints: list[StripeObject]) -> None:
    if not endpoints:
        return
    settings = switches(op)
    due = time.time() + float(settings["delay_seconds"])
    for endpoint in endpoints:
        for copy_index in range(1 + int(settings["duplicates"])):
            delivery = {
                "id": ids.new_id("delivery"),
                "event": event["id"],
                "event_type": event["type"],
                "endpoint": endpoint["id"],
                "copy": copy_index,
                "attempts": 0,
                "next_attempt_at": due,
                "status": "pending",
                "history": [],
            }
            op.put("delivery", delivery)
            op.new_deliveries += 1
