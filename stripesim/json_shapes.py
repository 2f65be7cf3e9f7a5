"""Names for the JSON shapes the emulator passes around, so signatures say which one they take.

Both are plain dicts: Stripe objects are open-ended JSON (the SDK's types list dozens of optional
fields per object, most of which the emulator stores as given), so their values stay `Any`.
"""

from __future__ import annotations

from typing import Any, TypeAlias

# A Stripe API object as stored and as answered (`{"id": ..., "object": "invoice", ...}`).
StripeObject: TypeAlias = dict[str, Any]

# Request parameters after `params.read_params` checked and converted them.
Params: TypeAlias = dict[str, Any]
