"""Test clocks: create with `frozen_time`, retrieve, list, advance, delete.

Advancing runs the clock's due work (overdue notices, auto-finalization) synchronously
before answering; the answer says `advancing` as Stripe's does, and a retrieve right after
shows `ready`, so clients that poll (as they must against Stripe) and clients that do not
both see the finished state.
"""

from __future__ import annotations

from stripesim import ids
from stripesim.context import Operation
from stripesim.errors import StripeError
from stripesim.json_shapes import Params, StripeObject
from stripesim.params import LIST_PARAMS, integer, string
from stripesim.resources import events
from stripesim.resources.registry import endpoint
from stripesim.resources.rendering import list_object, public
from stripesim.resources.scheduler import run_due_work

KIND = "test_clock"
DELETES_AFTER = 30 * 86400


@endpoint(
    "POST",
    "/v1/test_helpers/test_clocks",
    {"frozen_time": integer(required=True, minimum=0), "name": string(max_length=300)},
)
def create(op: Operation, params: Params) -> StripeObject:
    now = op.now()
    clock = {
        "id": ids.new_id("test_helpers.test_clock"),
        "object": "test_helpers.test_clock",
        "created": now,
        "deletes_after": now + DELETES_AFTER,
        "frozen_time": params["frozen_time"],
        "livemode": False,
        "name": params.get("name"),
        "status": "ready",
        "status_details": {},
    }
    op.put(KIND, clock)
    rendered = public(clock)
    events.emit(op, "test_helpers.test_clock.created", rendered, created=now)
    return rendered


@endpoint("GET", "/v1/test_helpers/test_clocks/{id}")
def retrieve(op: Operation, params: Params, id: str) -> StripeObject:
    return public(op.require(KIND, id, "test_helpers.test_clock"))


@endpoint("GET", "/v1/test_helpers/test_clocks", LIST_PARAMS)
def list_clocks(op: Operation, params: Params) -> StripeObject:
    return list_object(op, KIND, "/v1/test_helpers/test_clocks", params)


@endpoint("POST", "/v1/test_helpers/test_clocks/{id}/advance", {"frozen_time": integer(required=True, minimum=0)})
def advance(op: Operation, params: Params, id: str) -> StripeObject:
    clock = op.require(KIND, id, "test_helpers.test_clock")
    target = params["frozen_time"]
    if target <= clock["frozen_time"]:
        raise StripeError(
            f"The frozen_time ({target}) must be after the test clock's current frozen_time ({clock['frozen_time']}).",
            param="frozen_time",
        )
    now = op.now()
    events.emit(op, "test_helpers.test_clock.advancing", public({**clock, "status": "advancing"}), created=now)
    clock["frozen_time"] = target
    op.put(KIND, clock)
    run_due_work(op, test_clock=id)
    events.emit(op, "test_helpers.test_clock.ready", public(clock), created=now)
    return public({**clock, "status": "advancing"})


@endpoint("DELETE", "/v1/test_helpers/test_clocks/{id}")
def delete(op: Operation, params: Params, id: str) -> StripeObject:
    clock = op.require(KIND, id, "test_helpers.test_clock")
    # Stripe deletes a clock's customers (and their objects) with it.
    for customer in op.tx.where("customer", "test_clock", id):
        op.put("customer", {**customer, "deleted": True})
    op.tx.delete(KIND, id)
    events.emit(op, "test_helpers.test_clock.deleted", public(clock), created=op.now())
    return {"id": id, "object": "test_helpers.test_clock", "deleted": True}
