"""The spec facts reconcile needs, flattened from the generator's spec model: which fields the
flows write, which payment status values mean what, which events Flow 4 accepts, and the
currency's smallest unit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sfmeta.connector_package import ConnectorPackage

if TYPE_CHECKING:
    from generator.spec.model import Spec


class ReconcileError(Exception):
    """A usage or environment problem; the command prints the message and exits 2 (no traceback)."""


@dataclass(frozen=True)
class Facts:
    namespace: str
    invoice_id_field: str
    status_field: str
    invoiced_amount_field: str
    previous_invoice_field: str
    invoicing_error_field: str
    invoice_date_field: str
    won_stage: str
    status_open: str
    status_paid: str
    status_void: str
    currency: str
    exponent: int
    invoice_description: str
    # Stripe event type -> payment status value (the spec's `events:`; Flow 4's entry filter).
    events: dict[str, str]

    @property
    def event_object(self) -> str:
        return ConnectorPackage(self.namespace).stripe_event

    @property
    def sync_log_object(self) -> str:
        return ConnectorPackage(self.namespace).sync_log

    def minor_units(self, amount: Decimal | float | str) -> int:
        """Major-unit amount -> Stripe's smallest unit, as the flows compute it (ROUND(Amount * 10^exponent, 0))."""
        return int((Decimal(str(amount)) * 10**self.exponent).to_integral_value())

    def expected_status(self, stripe_status: str) -> str | None:
        """The payment status value Flow 4 writes for a final Stripe status (None: not mapped)."""
        if stripe_status == "paid":
            return self.status_paid
        if stripe_status == "void":
            return self.status_void
        if stripe_status == "uncollectible":
            return self.events.get("invoice.marked_uncollectible")
        return None

    def replay_event(self, stripe_status: str) -> str | None:
        """The event type that tells Flow 4 about a final Stripe status, if Flow 4 accepts it."""
        wanted = {
            "paid": ("invoice.paid", "invoice.payment_succeeded"),
            "void": ("invoice.voided",),
            "uncollectible": ("invoice.marked_uncollectible",),
        }.get(stripe_status, ())
        return next((event for event in wanted if event in self.events), None)

    def open_values(self) -> set[str]:
        """Values an Opportunity may hold while its invoice is open: the open value and what an
        open-invoice event maps to (invoice.payment_failed -> Failed)."""
        final = {self.status_paid, self.status_void, self.events.get("invoice.marked_uncollectible")}
        return {self.status_open} | {v for v in self.events.values() if v not in final}

    def final_values(self) -> set[str]:
        return {v for v in (self.status_paid, self.status_void, self.events.get("invoice.marked_uncollectible")) if v}

    def description_pattern(self) -> re.Pattern[str] | None:
        """The invoice memo template as a regex with named groups, to tell which Opportunity an
        orphan invoice was issued for (None when the template names neither id nor name)."""
        if "{opportunity_id}" not in self.invoice_description and "{opportunity_name}" not in self.invoice_description:
            return None
        groups = {
            "opportunity_id": r"(?P<opportunity_id>006[A-Za-z0-9]{12,15})",
            "opportunity_name": r"(?P<opportunity_name>.+?)",
            "account_name": r".*?",
            "revision": r"\d+",
        }
        pattern, seen = "", set()
        for part in re.split(r"(\{[a-z_]+\})", self.invoice_description):
            key = part[1:-1] if part.startswith("{") and part.endswith("}") else None
            if key in groups:
                # A placeholder repeated in the template matches the same text again.
                pattern += f"(?P={key})" if key in seen and key.startswith("opportunity") else groups[key]
                seen.add(key)
            else:
                pattern += re.escape(part)
        return re.compile(f"^{pattern}$", re.DOTALL)


def load_facts(spec_path: Path) -> Facts:
    from generator.errors import SpecError
    from generator.spec.loader import load_spec

    try:
        spec = load_spec(spec_path)
    except SpecError as exc:
        raise ReconcileError(str(exc)) from None
    except OSError as exc:
        raise ReconcileError(f"cannot read the spec {spec_path}: {exc}") from None
    return facts_from_spec(spec)


def facts_from_spec(spec: Spec) -> Facts:
    """The names and values reconcile needs, all from the spec (its defaults are the spec
    model's: no second copy here)."""
    from generator.currency import currency_exponent

    f = spec.fields
    return Facts(
        namespace=spec.stripe.namespace,
        invoice_id_field=f.invoice_id.api_name,
        status_field=f.payment_status.api_name,
        invoiced_amount_field=f.invoiced_amount.api_name,
        previous_invoice_field=f.previous_invoice_id.api_name,
        invoicing_error_field=f.invoicing_error.api_name,
        invoice_date_field=f.invoice_date.api_name,
        won_stage=spec.invoicing.won_stage,
        status_open=f.payment_status.open,
        status_paid=f.payment_status.paid,
        status_void=f.payment_status.void,
        currency=spec.currency.code,
        exponent=currency_exponent(spec.currency.code, spec.currency.exponent),
        invoice_description=spec.invoicing.invoice_description,
        events=dict(spec.events),
    )
