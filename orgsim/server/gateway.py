"""All calls into the org go through one worker thread.

The orgsim core is a single-writer SQLite org (one Salesforce transaction at a time, as its
storage documents); running every call on one thread keeps that true under concurrent HTTP
requests without blocking the event loop.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable


class OrgGateway:
    def __init__(self, org):
        self.org = org
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="orgsim")

    async def call(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)
