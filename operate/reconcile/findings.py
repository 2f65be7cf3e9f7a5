"""What reconcile reports: one finding per difference (or per record in sync), with what to do."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any


class Kind(str, Enum):
    IN_SYNC = "in_sync"
    STATUS_STALE = "status_stale"  # Stripe final (paid/void/uncollectible), org not: a missed webhook
    STATUS_CONFLICT = "status_conflict"  # the org says final, Stripe disagrees
    MISSING_IN_STRIPE = "missing_in_stripe"
    ORPHAN_IN_STRIPE = "orphan_in_stripe"
    DUPLICATE_OPEN = "duplicate_open"
    AMOUNT_MISMATCH = "amount_mismatch"
    WON_STAGE_MISSING = "won_stage_missing"
    # Not differences: shown in the summary only.
    REPLACED = "replaced"  # an amount change's old invoice, void (or a draft)
    UNLINKED_INACTIVE = "unlinked_inactive"  # a draft or void invoice no Opportunity holds

    @property
    def is_difference(self) -> bool:
        return self not in (Kind.IN_SYNC, Kind.REPLACED, Kind.UNLINKED_INACTIVE)


# What the on-call admin reads next to each class (docs/operations.md explains them at length).
MEANING = {
    Kind.IN_SYNC: "org and Stripe agree",
    Kind.STATUS_STALE: "Stripe's status is final but the Opportunity never heard (missed webhook)",
    Kind.STATUS_CONFLICT: "the Opportunity shows a final status Stripe does not have",
    Kind.MISSING_IN_STRIPE: "the Opportunity points at an invoice Stripe does not have",
    Kind.ORPHAN_IN_STRIPE: "a live Stripe invoice no Opportunity holds",
    Kind.DUPLICATE_OPEN: "more than one payable invoice for one Opportunity",
    Kind.AMOUNT_MISMATCH: "invoiced amount on the Opportunity differs from the invoice total",
    Kind.WON_STAGE_MISSING: "paid, but the Opportunity is not in the won stage",
    Kind.REPLACED: "old invoice of an amount change, void: expected",
    Kind.UNLINKED_INACTIVE: "draft or void invoice without an Opportunity: never payable",
}


@dataclass
class Finding:
    kind: Kind
    invoice_id: str | None = None
    opportunity_id: str | None = None
    org_status: str | None = None
    stripe_status: str | None = None
    detail: str = ""
    action: str = ""
    fixable: bool = False  # `--apply` can fix it through the event path
    applied: str = ""  # what --apply did (empty: nothing)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data
