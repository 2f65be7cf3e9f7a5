"""Events: every state change records one, and queues one delivery per matching endpoint."""

from __future__ import annotations

from stripesim import ids
from stripesim.context import Operation
from stripesim.json_shapes import Params, StripeObject
from stripesim.params import DATED_LIST_PARAMS, string, string_list
from stripesim.resources.registry import endpoint
from stripesim.resources.rendering import list_object, public

# The event types this emulator emits (fail closed: endpoints may only subscribe to these).
EVENT_TYPES = (
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "invoice.created",
    "invoice.updated",
    "invoice.deleted",
    "invoice.finalized",
    "invoice.sent",
    "invoice.paid",
    "invoice.payment_succeeded",
    "invoice.payment_failed",
    "invoice.voided",
    "invoice.marked_uncollectible",
    "invoice.overdue",
    "invoiceitem.created",
    "invoiceitem.deleted",
    "test_helpers.test_clock.created",
    "test_helpers.test_clock.advancing",
    "test_helpers.test_clock.ready",
    "test_helpers.test_clock.deleted",
)


def emit(
    op: Operation,
    type: str,
    obj: StripeObject,
    previous_attributes: StripeObject | None = None,
    *,
    created: int | None = None,
) -> StripeObject:
    """Record event `type` about `obj` (already rendered) and queue its webhook deliveries."""
    assert type in EVENT_TYPES, type
    from stripesim.webhooks.queue import enqueue_for_event, matching_endpoints

    endpoints = matching_endpoints(op, type)
    # No copy needed: `op.put` serializes the event at once, so later changes to `obj` cannot leak in.
    data: StripeObject = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    event = {
        "id": ids.new_id("event"),
        "object": "event",
        "api_version": op.sim.config.api_version,
        "created": created if created is not None else op.now(obj.get("test_clock")),
        "data": data,
        "livemode": False,
        "pending_webhooks": len(endpoints),
        "request": {"id": op.request_id, "idempotency_key": op.idempotency_key},
        "type": type,
    }
    op.put("event", event)
    enqueue_for_event(op, event, endpoints)
    return event


@endpoint("GET", "/v1/events/{id}")
def retrieve(op: Operation, params: Params, id: str) -> StripeObject:
    return public(op.require("event", id, "event"))


@endpoint(
    "GET",
    "/v1/events",
    {**DATED_LIST_PARAMS, "type": string(), "types": string_list()},
)
def list_events(op: Operation, params: Params) -> StripeObject:
    wanted: set[str] = set(params.get("types") or [])
    pattern: str | None = params.get("type")

    def keep(event: StripeObject) -> bool:
        event_type: str = event["type"]
        if wanted and event_type not in wanted:
            return False
        if pattern:
            # Stripe allows one `*` wildcard in `type`, e.g. `invoice.*`.
            if pattern.endswith("*"):
                return event_type.startswith(pattern[:-1])
            return event_type == pattern
        return True

    # The type index reads only events of the wanted types (`keep` still decides).
    where = (
        [("type", t) for t in sorted(wanted)]
        if wanted
        else [("type", pattern)]
        if pattern and "*" not in pattern
        else None
    )
    return list_object(op, "event", "/v1/events", params, keep, where=where)
