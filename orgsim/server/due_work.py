"""Due async and scheduled paths run without a request, one batch per turn.

A long-running server's clock follows wall time, so queued work falls due on its own; this
runner picks it up (and, at start, work queued before a crash). Each turn runs one batch (one
transaction) on the gateway's background lane and then gives way: a webhook delivery or API
call arriving meanwhile waits for at most that batch, never for a whole backlog (issue 17 #5:
1,000 events' scheduled paths falling due within seconds held the listener for up to a second
when they ran as one call). Between backlogs it sleeps until woken (a webhook stored an event)
or for `interval` seconds.

Order is unchanged: every turn takes the earliest due work first (Scheduler.run_due).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from orgsim.server.gateway import OrgGateway

log = logging.getLogger("orgsim.server")


def _one_batch(org) -> bool:
    """Run the earliest due batch; True when more work is due already."""
    org.run_pending(max_batches=1)
    return org.has_due_work()


class DueWorkRunner:
    def __init__(self, gateway: OrgGateway, interval: float):
        self.gateway = gateway
        self.interval = interval
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look for due work now (call from the event loop)."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            # Cleared before the turn, so a wake() during it is not lost.
            self._wake.clear()
            try:
                more = await self.gateway.background(_one_batch, self.gateway.org)
            except Exception:  # a failing interview is recorded by the core; keep the loop alive
                log.exception("running due work failed")
                more = False
            if not more:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.interval)
