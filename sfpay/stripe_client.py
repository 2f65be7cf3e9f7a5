"""The Stripe client sfpay's commands, harness and emulator helpers make.

`stripe.StripeClient(key)` builds two transports: the synchronous one sfpay uses (requests) and
an httpx fallback for the SDK's `*_async` methods, whose TLS context loads the SDK's CA file when
the client is made (25-45 ms each; a verify run makes one per operating command). Nothing here
calls the async methods, so the client is given the SDK's synchronous transport explicitly
(StripeClient's `http_client` argument), which the SDK would have chosen anyway when requests is
installed (stripe/_http_client.py resolves RequestsClient first), and builds nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import stripe


def sync_stripe_client(api_key: str, **options: Any) -> "stripe.StripeClient":
    """`stripe.StripeClient(api_key, **options)` on the SDK's requests transport only."""
    import stripe

    return stripe.StripeClient(api_key, http_client=stripe.RequestsClient(), **options)
