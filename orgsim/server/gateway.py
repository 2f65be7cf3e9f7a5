"""All calls into the org go through one worker thread, in two lanes.

The orgsim core is a single-writer SQLite org (one Salesforce transaction at a time, as its
storage documents); running every call on one thread keeps that true under concurrent HTTP
requests without blocking the event loop.

Lanes: calls made for a request (`call`) run first, in arrival order; background work (`background`:
the due-work runner, orgsim/server/due_work.py) runs only when no request call is waiting. A
backlog of due scheduled paths used to be one call at the head of a single queue, so a webhook
arriving behind it waited for the whole backlog (issue 17 #5: seconds at 50 events/s); now it
waits for at most the one batch already running.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import functools
import threading
from typing import Any, Callable

_Item = tuple[concurrent.futures.Future, Callable[[], Any]]


class OrgGateway:
    def __init__(self, org):
        self.org = org
        self._ready = threading.Condition()
        self._requests: collections.deque[_Item] = collections.deque()
        self._background: collections.deque[_Item] = collections.deque()
        self._closed = False
        self._worker = threading.Thread(target=self._work, name="orgsim-gateway", daemon=True)
        self._worker.start()

    async def call(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        """Run `fn` on the org thread for a request; requests run in arrival order."""
        return await self._submit(self._requests, functools.partial(fn, *args, **kwargs))

    async def background(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        """Run `fn` on the org thread when no request call is waiting."""
        return await self._submit(self._background, functools.partial(fn, *args, **kwargs))

    async def _submit(self, lane: collections.deque[_Item], fn: Callable[[], Any]) -> Any:
        future: concurrent.futures.Future = concurrent.futures.Future()
        with self._ready:
            if self._closed:
                raise RuntimeError("the org gateway is shut down")
            lane.append((future, fn))
            self._ready.notify()
        # Cancelling the awaiting task cancels a call that has not started (as run_in_executor).
        return await asyncio.wrap_future(future)

    def _work(self) -> None:
        while True:
            with self._ready:
                while not (self._requests or self._background or self._closed):
                    self._ready.wait()
                if self._requests:
                    future, fn = self._requests.popleft()
                elif self._background:
                    future, fn = self._background.popleft()
                else:
                    return  # shut down, nothing left to run
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn()
            except BaseException as exc:  # handed to the awaiting request, as an executor does
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self) -> None:
        """Run what is queued, then stop the worker."""
        with self._ready:
            self._closed = True
            self._ready.notify()
        self._worker.join()
