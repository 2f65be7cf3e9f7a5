"""Is anything about to happen in this account without new input? (`GET /_sim/quiescence`)

A test harness watching for something that must NOT happen can stop watching once nothing
can happen any more: no webhook delivery is pending (due now, being sent, or waiting for a
retry) and no time-driven invoice work (stripesim/resources/scheduler.py) is due on the
account clock. Read-only: it reports, it changes nothing.

Facts, not a verdict on a horizon: `quiescent` means "nothing pending and nothing due now";
a delivery retry due in 0.3 s of wall time or invoice work due in ten minutes of account time
leaves it false/true respectively, and the caller decides with `next_delivery_in_seconds` and
`next_due_work_at` whether its own watch window would reach them.
"""

from __future__ import annotations

import time
from typing import Any

from stripesim.context import Operation
from stripesim.webhooks.queue import switches


def quiescence(op: Operation) -> dict[str, Any]:
    wall = time.time()
    now = op.now(None)
    pending = op.tx.scan("delivery")  # a delivery stays here while it is being sent (worker.attempt)
    due = [d for d in pending if d["next_attempt_at"] <= wall]
    soonest = min((d["next_attempt_at"] for d in pending), default=None)
    # Time-driven work on the account clock only: a test clock's work runs only when that
    # clock is advanced, which is new input.
    next_due_work_at = op.tx.storage.earliest(op.account, "due_watch", None)
    return {
        "object": "sim_quiescence",
        "quiescent": not pending and (next_due_work_at is None or next_due_work_at > now),
        "now": now,
        "deliveries_pending": len(pending),
        "deliveries_due": len(due),
        # Paused deliveries are counted like any other: one may have left before the pause.
        "deliveries_paused": bool(switches(op)["paused"]),
        "next_delivery_in_seconds": None if soonest is None else round(max(0.0, soonest - wall), 3),
        "next_due_work_at": next_due_work_at,
    }
