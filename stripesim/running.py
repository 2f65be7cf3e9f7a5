"""Run the emulator in-process (tests, benchmarks, the local stack) and drive its test switches."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from stripesim.config import SimConfig

if TYPE_CHECKING:
    import stripe
    from starlette.applications import Starlette

    from sfpay.serving import RunningServer
    from stripesim.engine import Simulator


class SimAdmin:
    """Thin client for `/_sim/*` (faults, rate limit, webhook switches, clock, reset)."""

    def __init__(self, base_url: str, api_key: str) -> None:
        self._http = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}, timeout=30)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> dict[str, Any]:
        response = self._http.request(method, path, json=body, params=params or None)
        payload: dict[str, Any] = response.json()
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} failed ({response.status_code}): {payload['error']['message']}")
        return payload

    def add_fault(
        self,
        *,
        path: str,
        fault: str,
        method: str = "*",
        nth: int = 1,
        count: int = 1,
        seconds: float | None = None,
        after_processing: bool = False,
        **error: Any,
    ) -> dict[str, Any]:
        """`fault="error"` takes `message`, `status`, `type`, `code`, `param`, `decline_code` (see faults.py)."""
        rule: dict[str, Any] = {
            "method": method,
            "path": path,
            "fault": fault,
            "nth": nth,
            "count": count,
            "after_processing": after_processing,
            **error,
        }
        if seconds is not None:
            rule["seconds"] = seconds
        return self._call("POST", "/_sim/faults", rule)

    def _list(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """The `data` of a `/_sim` listing."""
        items: list[dict[str, Any]] = self._call("GET", path, None, **params)["data"]
        return items

    def faults(self) -> list[dict[str, Any]]:
        return self._list("/_sim/faults")

    def clear_faults(self) -> None:
        self._call("DELETE", "/_sim/faults")

    def set_rate_limit(self, per_second: float | None) -> dict[str, Any]:
        return self._call("POST", "/_sim/rate_limit", {"per_second": per_second})

    def webhook_switches(self, **switches: Any) -> dict[str, Any]:
        return self._call("POST", "/_sim/webhooks", switches) if switches else self._call("GET", "/_sim/webhooks")

    def release_webhooks(self, order: str | None = None) -> dict[str, Any]:
        return self._call("POST", "/_sim/webhooks/release", {"order": order} if order else {})

    def deliveries(self, status: str | None = None) -> list[dict[str, Any]]:
        return self._list("/_sim/webhooks/deliveries", **({"status": status} if status else {}))

    def wait_for_deliveries(self, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until no delivery is pending; return them all."""
        deadline = time.monotonic() + timeout
        while True:
            items = self.deliveries()
            if not any(d["status"] == "pending" for d in items):
                return items
            if time.monotonic() > deadline:
                raise TimeoutError(f"{sum(d['status'] == 'pending' for d in items)} webhook deliveries still pending")
            time.sleep(0.02)

    def sent_emails(self, **filters: str) -> list[dict[str, Any]]:
        """Invoice emails Stripe would have sent (`to`, `invoice`, `customer` filters), oldest first."""
        return self._list("/_sim/sent_emails", **filters)

    def clock(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/clock")

    def quiescence(self) -> dict[str, Any]:
        """Pending deliveries and due invoice work (stripesim/webhooks/quiescence.py)."""
        return self._call("GET", "/_sim/quiescence")

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        return self._call("POST", "/_sim/clock/advance", {"seconds": seconds})

    def account(self, name: str | None = None) -> dict[str, Any]:
        """The business name payers see (`{"name": ...}`); `name=` sets it for this key's account."""
        return (
            self._call("POST", "/_sim/account", {"name": name})
            if name is not None
            else self._call("GET", "/_sim/account")
        )

    def reset(self) -> None:
        self._call("POST", "/_sim/reset")

    def close(self) -> None:
        self._http.close()


@dataclass
class RunningSim:
    base_url: str
    api_key: str
    app: Starlette
    server: RunningServer
    admin: SimAdmin

    @property
    def sim(self) -> Simulator:
        sim: Simulator = self.app.state.sim  # set by `create_app`
        return sim

    def stripe_client(
        self, api_key: str | None = None, *, max_network_retries: int = 0, **kwargs: Any
    ) -> stripe.StripeClient:
        """A `stripe.StripeClient` on this emulator (no automatic retries unless asked), on the
        SDK's synchronous transport unless `http_client` names another (sfpay/stripe_client.py)."""
        import stripe

        from sfpay.stripe_client import sync_stripe_client

        make = stripe.StripeClient if "http_client" in kwargs else sync_stripe_client
        return make(
            api_key or self.api_key,
            base_addresses={"api": self.base_url},
            max_network_retries=max_network_retries,
            **kwargs,
        )

    def stop(self) -> None:
        self.admin.close()
        self.server.stop()
        self.sim.close()


def start(config: SimConfig | None = None, *, host: str = "127.0.0.1", port: int = 0) -> RunningSim:
    from sfpay.serving import start_in_thread
    from stripesim.http.app import create_app

    config = config or SimConfig()
    app = create_app(config)
    server = start_in_thread(app, host=host, port=port)
    app.state.sim.public_url = server.base_url
    return RunningSim(server.base_url, config.api_keys[0], app, server, SimAdmin(server.base_url, config.api_keys[0]))


@contextlib.contextmanager
def start_sim(config: SimConfig | None = None, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[RunningSim]:
    running = start(config, host=host, port=port)
    try:
        yield running
    finally:
        running.stop()
