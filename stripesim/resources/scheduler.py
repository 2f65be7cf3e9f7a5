"""Time-driven invoice work: overdue notices and auto-finalization of drafts.

Invoices that will need attention at a given time are indexed in `due_watch` documents
(small, so sweeping is cheap). The account clock's sweep runs in the background worker and
on `/_sim/clock/advance`; a test clock's work runs when that clock advances.
"""

from __future__ import annotations

import logging

from stripesim.context import Operation
from stripesim.errors import StripeError
from stripesim.json_shapes import StripeObject

log = logging.getLogger("stripesim")


def watch(op: Operation, invoice: StripeObject, action: str, at: int) -> None:
    watch_id = f"{invoice['id']}:{action}"
    op.tx.put(
        "due_watch",
        watch_id,
        {"id": watch_id, "invoice": invoice["id"], "action": action, "at": at, "test_clock": invoice["test_clock"]},
    )


def unwatch(op: Operation, invoice: StripeObject, action: str) -> None:
    """Drop a watch that no longer applies (the invoice left the state it was for)."""
    watch_id = f"{invoice['id']}:{action}"
    if op.tx.get("due_watch", watch_id) is not None:
        op.tx.delete("due_watch", watch_id)


def run_due_work(op: Operation, test_clock: str | None) -> int:
    """Fire every watch on `test_clock` (None: the account clock) whose time has come."""
    from stripesim.resources import invoice_actions

    now = op.now(test_clock)
    fired = 0
    for item in op.tx.due("due_watch", test_clock, now):
        op.tx.delete("due_watch", item["id"])
        invoice = op.get("invoice", item["invoice"])
        if invoice is None or invoice.get("deleted"):
            continue
        if item["action"] == "overdue":
            fired += invoice_actions.mark_overdue(op, invoice)
        elif item["action"] == "auto_finalize" and invoice["status"] == "draft" and invoice["auto_advance"]:
            try:
                invoice_actions.finalize(op, invoice)
            except StripeError as error:  # refused before any change (e.g. behaviour not emulated): stays draft
                log.warning("auto-finalization of %s refused: %s", invoice["id"], error.message)
                continue
            fired += 1
    return fired


def has_due_work(op: Operation) -> bool:
    now = op.now(None)
    return bool(op.tx.due("due_watch", None, now))
