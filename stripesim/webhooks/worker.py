"""The background worker: sends due deliveries, retries failures with backoff, sweeps clocks.

Runs as a task in the server's event loop (started by the app's lifespan). Deliveries are
POSTed with Stripe's headers and signature; a 2xx answer completes a delivery, anything
else (status, connection error, timeout) schedules a retry after `retry_base_seconds`
doubled per attempt (capped at `retry_max_seconds`) for `retry_window_seconds` (Stripe: three
days, https://docs.stripe.com/webhooks#retries) from the first attempt, or until the test
switch `retry_max_attempts`. The queue is stored: a restarted emulator resumes it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from typing import Any

import httpx

from stripesim.context import Operation
from stripesim.engine import Simulator
from stripesim.http.idempotency import purge_expired
from stripesim.resources.scheduler import has_due_work, run_due_work
from stripesim.webhooks.queue import switches
from stripesim.webhooks.signing import sign

log = logging.getLogger("stripesim.webhooks")

USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
DONE_KIND = "delivery_done"
PURGE_SECONDS = 300  # how often expired idempotency keys are dropped


class DeliveryWorker:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._last_sweep = 0.0
        self._last_purge = time.time()

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        wakeup = self._wakeup

        def wake() -> None:
            loop.call_soon_threadsafe(wakeup.set)

        self.sim.set_waker(wake)
        self._task = loop.create_task(self._run(), name="stripesim-webhooks")

    async def stop(self) -> None:
        self.sim.set_waker(lambda: None)
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        assert self._wakeup is not None
        async with httpx.AsyncClient(timeout=self.sim.config.webhook_timeout_seconds) as client:
            while True:
                self._wakeup.clear()
                try:
                    wait = await self.tick(client)
                except asyncio.CancelledError:
                    raise
                except Exception:  # keep delivering even if one tick hits a bug; it is logged
                    log.exception("webhook worker tick failed")
                    wait = 1.0
                try:
                    await asyncio.wait_for(self._wakeup.wait(), timeout=max(0.01, wait))
                except TimeoutError:
                    pass

    async def tick(self, client: httpx.AsyncClient) -> float:
        """Do everything due now; return the seconds until something else is due."""
        cfg = self.sim.config
        if time.time() - self._last_sweep >= cfg.sweep_seconds:
            self._last_sweep = time.time()
            for account in self.sim.account_ids():
                self.sim.operate(account, lambda op: has_due_work(op) and run_due_work(op, None))
        if time.time() - self._last_purge >= PURGE_SECONDS:
            self._last_purge = time.time()
            for account in self.sim.account_ids():
                self.sim.operate(account, purge_expired)
        now = time.time()
        soonest = now + cfg.sweep_seconds
        batch: list[tuple[str, dict[str, Any]]] = []
        for account in self.sim.account_ids():
            with self.sim.operation(account) as op:
                settings = switches(op)
                if settings["paused"]:
                    continue
                due = []
                for delivery in op.tx.scan("delivery"):
                    if delivery["next_attempt_at"] <= now:
                        due.append(delivery)
                    else:
                        soonest = min(soonest, delivery["next_attempt_at"])
                if settings["order"] == "reverse":
                    due.reverse()
                elif settings["order"] == "shuffle":
                    random.Random(settings["shuffle_seed"]).shuffle(due)
                batch.extend((account, delivery) for delivery in due)
        # One endpoint's deliveries go out in order, one at a time; endpoints do not wait
        # for each other, so a slow or dead endpoint delays nobody else.
        by_endpoint: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for account, delivery in batch:
            by_endpoint.setdefault((account, delivery["endpoint"]), []).append(delivery)
        await asyncio.gather(
            *(self._send_in_order(client, account, deliveries) for (account, _), deliveries in by_endpoint.items())
        )
        if batch:
            return 0.0  # attempts scheduled retries: look again at once
        return soonest - time.time()

    async def _send_in_order(self, client: httpx.AsyncClient, account: str, deliveries: list[dict[str, Any]]) -> None:
        for delivery in deliveries:
            await self.attempt(client, account, delivery)

    async def attempt(self, client: httpx.AsyncClient, account: str, delivery: dict[str, Any]) -> None:
        with self.sim.operation(account) as op:
            endpoint = op.get("webhook_endpoint", delivery["endpoint"])
            event = op.get("event", delivery["event"])
            offset = int(switches(op)["signature_offset_seconds"])
            if endpoint is None or event is None or endpoint["status"] != "enabled":
                self._finish(op, delivery, "failed", None, "endpoint deleted or disabled")
                return
        payload = {**event, "api_version": endpoint["api_version"] or event["api_version"]}
        body = json.dumps(payload, indent=2)
        timestamp = int(time.time()) + offset
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "Accept": "*/*; q=0.5, application/xml",
            "Cache-Control": "no-cache",
            "Stripe-Signature": sign(body, endpoint["_secret"], timestamp),
        }
        status, error = None, None
        try:
            response = await client.post(endpoint["url"], content=body.encode("utf-8"), headers=headers)
            status = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        with self.sim.operation(account) as op:
            current = op.get("delivery", delivery["id"])
            if current is None:
                return
            current["attempts"] += 1
            current["history"].append({"at": time.time(), "status": status, "error": error})
            if status is not None and 200 <= status < 300:
                self._finish(op, current, "succeeded", status, None)
                if current["copy"] == 0:
                    stored = op.get("event", current["event"])
                    if stored is not None:
                        stored["pending_webhooks"] = max(0, stored["pending_webhooks"] - 1)
                        op.put("event", stored)
            else:
                cfg = self.sim.config
                backoff = min(cfg.retry_base_seconds * 2 ** min(current["attempts"] - 1, 60), cfg.retry_max_seconds)
                next_at = time.time() + backoff
                out_of_window = next_at > current["history"][0]["at"] + cfg.retry_window_seconds
                out_of_attempts = cfg.retry_max_attempts is not None and current["attempts"] >= cfg.retry_max_attempts
                if out_of_window or out_of_attempts:
                    self._finish(op, current, "failed", status, error)
                else:
                    current["next_attempt_at"] = next_at
                    op.put("delivery", current)

    @staticmethod
    def _finish(
        op: Operation, delivery: dict[str, Any], status: str, http_status: int | None, error: str | None
    ) -> None:
        delivery["status"] = status
        delivery["finished_at"] = time.time()
        if not delivery["history"] or error:
            delivery.setdefault("error", error)
        op.tx.delete("delivery", delivery["id"])
        op.tx.put(DONE_KIND, delivery["id"], delivery)
