"""Emulator settings (command line options map onto these fields one to one)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sfpay.stripe_keys import require_test_key

# The key accepted when no --api-key is given. It is a placeholder, not a secret: the
# emulator holds no real money and never talks to Stripe.
DEFAULT_API_KEY = "sk_test_stripesim_0000000000000000000000000000"

# The API version events are rendered with when an endpoint does not name one; the
# connector (stripeGC API Extension 2025-04-30) expects this one.
DEFAULT_API_VERSION = "2025-04-30.basil"


@dataclass
class SimConfig:
    api_keys: tuple[str, ...] = (DEFAULT_API_KEY,)
    db_path: str | None = None
    api_version: str = DEFAULT_API_VERSION
    # Requests per second per account before 429 (Stripe test mode: about 25); None = off.
    rate_limit: float | None = None
    # Webhook delivery retries. Stripe documents the window and the shape, not the intervals:
    # "In live mode, Stripe attempts to deliver a given event to your webhook endpoint for up
    # to 3 days with an exponential back off" (https://docs.stripe.com/webhooks#retries). The
    # emulator keeps the window (counted from a delivery's first attempt) and the exponential
    # shape: first retry after `retry_base_seconds`, doubling, each wait capped at
    # `retry_max_seconds` (our choice: a local org that comes back is served within a minute).
    # Sandboxes retry "three times over a few hours"; the local stack models production's
    # window so a restarted org receives every payment. `retry_max_attempts` is a test
    # switch (None: no count limit, only the window).
    retry_base_seconds: float = 1.0
    retry_max_seconds: float = 60.0
    retry_window_seconds: float = 3 * 24 * 3600
    retry_max_attempts: int | None = None
    webhook_timeout_seconds: float = 10.0
    # Idempotency keys expire after this much emulated time.
    idempotency_ttl_seconds: int = 24 * 3600
    # Background sweep (overdue invoices, auto-finalization) period, in seconds.
    sweep_seconds: float = 1.0
    # The business name invoices carry (`account_name`) and the hosted page, PDF and emails show.
    account_name: str = "stripesim"
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        keys = tuple(self.api_keys) or (DEFAULT_API_KEY,)
        for key in keys:
            require_test_key(key, source="--api-key")
            if not key.startswith("sk_test_"):
                raise ValueError("--api-key: the emulator takes secret test keys (sk_test_...), not restricted keys")
        self.api_keys = keys
        if not self.account_name.strip():
            raise ValueError("--account-name: give the business name payers see (not empty)")
        self.account_name = self.account_name.strip()


def account_id_for(key: str) -> str:
    """Each API key is its own account; its id is derived from the key so it is stable."""
    return "acct_" + hashlib.sha256(key.encode()).hexdigest()[:16]
