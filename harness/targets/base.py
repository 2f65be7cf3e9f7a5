"""What a scenario may ask of the environment it runs against.

Both targets give a simple-salesforce client and a stripe SDK client. Beyond that they
differ in what they can observe or control: the local stack can move its clock, read the
email outbox and governor usage, and break Stripe on purpose; a real sandbox cannot. A
scenario declares the capabilities it needs and is skipped, with the reason spelled out,
where they are missing, so a sign-off report never claims more than was verified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import stripe
    from simple_salesforce import Salesforce

    from harness.results import Evidence


class Capability:
    CLOCK = "clock"  # move org time forward (scheduled paths fall due)
    OUTBOX = "outbox"  # read the emails the org sent
    LIMITS = "limits"  # read per-transaction governor usage and failed interviews
    STRIPE_FAULTS = "stripe_faults"  # make Stripe fail on purpose
    WEBHOOK_POST = "webhook_post"  # post (signed or forged) deliveries to the org's webhook listener
    REMINDER_WAIT = "reminder_wait"  # reach a reminder's due time (clock, or a short sandbox offset)
    STRIPE_EMAILS = "stripe_emails"  # read the invoice emails Stripe sent
    FLOW_EDIT = "flow_edit"  # save a new flow version as an admin does in Flow Builder

    DESCRIPTIONS = {
        CLOCK: "moving the org's clock",
        OUTBOX: "reading the emails the org sends",
        LIMITS: "reading governor-limit usage per transaction",
        STRIPE_FAULTS: "injecting Stripe failures",
        WEBHOOK_POST: "posting deliveries to the org's Stripe webhook listener (needs its URL and signing secret)",
        REMINDER_WAIT: "reaching the reminder's due time",
        STRIPE_EMAILS: "reading the invoice emails Stripe sent (Stripe test mode sends none)",
        FLOW_EDIT: (
            "saving a flow version by hand as Flow Builder does (the local org's helper; in a sandbox that is a "
            "person in Flow Builder, which verify does not do to a shared org)"
        ),
    }


class Quiescence:
    """What a target can say about whether anything can still happen without new input."""

    IDLE = "idle"  # provably nothing: no request in flight, nothing due within the asked window
    BUSY = "busy"  # something is in flight or due within the window
    UNKNOWN = "unknown"  # the target cannot tell (a real sandbox): watch for the whole window


class TargetError(Exception):
    """A target that cannot be used as given; the message says what to fix (no traceback, exit 1)."""


@dataclass(frozen=True)
class Budgets:
    """How long scenarios wait for asynchronous effects before they call it a failure."""

    invoice_seconds: float  # Opportunity saved -> invoice id written back
    paid_seconds: float  # invoice paid in Stripe -> Opportunity status Paid
    settle_seconds: float  # how long to watch for something that must NOT happen
    poll_interval: float


@dataclass(frozen=True)
class Webhook:
    """Where the org listens for Stripe deliveries, and the secret it verifies them with."""

    url: str
    secret: str | None = None


@dataclass
class Connection:
    sf: "Salesforce"
    stripe: "stripe.StripeClient"
    stripe_api_base: str | None
    webhook: Webhook | None
    secrets: list[str] = field(default_factory=list)  # values that must never reach a report
    tls_verify: bool | str = True  # CA bundle path for a local server with its own certificate


class Target:
    """One environment to verify against. Subclasses fill in the optional capabilities."""

    name: str = ""
    capabilities: frozenset[str] = frozenset()
    budgets: Budgets
    deploy_hint: str = "Deploy first: sfpay deploy --org <name>."

    def open(self) -> Connection:
        raise NotImplementedError

    def describe(self) -> str:
        """One line for reports: what was verified. Never contains a secret."""
        raise NotImplementedError

    def environment(self) -> list["Evidence"]:
        """Facts about the target worth putting in the sign-off report (versions, endpoint ids)."""
        return []

    def explain_missing(self, missing: list[str]) -> str:
        needs = "; ".join(Capability.DESCRIPTIONS.get(cap, cap) for cap in missing)
        return f"the {self.name} target does not support {needs}"

    def close(self) -> None:
        pass

    def now(self) -> float:
        """The environment's current time (unix seconds): a local stack's clock may run ahead of ours."""
        import time

        return time.time()

    # Optional capabilities -------------------------------------------------------------
    def advance_clock(self, *, days: float = 0, minutes: float = 0) -> None:
        raise TargetError(self.explain_missing([Capability.CLOCK]))

    def outbox(self, related_id: str | None = None) -> list[dict[str, Any]]:
        """Sent emails: {"related_id", "template", "to": [addresses], "subject"}; only those
        about `related_id` when given."""
        raise TargetError(self.explain_missing([Capability.OUTBOX]))

    def limits_usage(self, *, since: int | None = None, last: int | None = None) -> dict[str, Any]:
        """{"transactions": [{"seq", "label", "soql", "dml", "dml_rows", "callouts", ...}], "limits": {...}}:
        the transactions after sequence number `since`, or the `last` ones."""
        raise TargetError(self.explain_missing([Capability.LIMITS]))

    def failed_interviews(self, *, since: int | None = None, last: int | None = None) -> list[dict[str, Any]]:
        """Failed flow interviews ({"seq", "flow", "path", "element", "record_id", "message", ...}),
        oldest first: those after sequence number `since`, or the `last` ones."""
        raise TargetError(self.explain_missing([Capability.LIMITS]))

    def inject_stripe_fault(self, *, method: str, path: str, status: int, times: int = 1) -> None:
        raise TargetError(self.explain_missing([Capability.STRIPE_FAULTS]))

    def clear_stripe_faults(self) -> None:
        raise TargetError(self.explain_missing([Capability.STRIPE_FAULTS]))

    def reach_reminder_time(self, offset_seconds: float) -> None:
        """Make a reminder scheduled `offset_seconds` after now fall due, and let it run."""
        raise TargetError(self.explain_missing([Capability.REMINDER_WAIT]))

    def save_flow_version(self, name: str, xml: bytes) -> dict[str, Any]:
        """Save `xml` as a new active version of flow `name` (Flow Builder: Save As New Version, Activate)."""
        raise TargetError(self.explain_missing([Capability.FLOW_EDIT]))

    def let_stripe_paths_run(self) -> None:
        """Called while a scenario waits: the flows' Stripe calls run on a scheduled path one
        minute after the save. A real org gets there by itself (the waits allow for it); a
        local stack moves its clock."""

    def quiescent(self, within: float) -> str:
        """Whether anything can still happen without new input before `within` more seconds of
        watching (Quiescence.*). A real org and Stripe cannot be asked: a "must not happen"
        window is then watched for its whole length."""
        return Quiescence.UNKNOWN

    def sent_invoice_emails(self, **filters: str) -> list[dict[str, Any]]:
        """Invoice emails Stripe sent: {"to", "invoice", "customer", "trigger", ...}."""
        raise TargetError(self.explain_missing([Capability.STRIPE_EMAILS]))

    def hold_stripe_deliveries(self) -> None:
        """Stripe keeps its webhook deliveries back until released."""
        raise TargetError(self.explain_missing([Capability.STRIPE_FAULTS]))

    def release_stripe_deliveries(self) -> None:
        raise TargetError(self.explain_missing([Capability.STRIPE_FAULTS]))

    def inject_stripe_error(
        self, *, method: str, path: str, status: int = 500, message: str = "Injected failure", nth: int = 1
    ) -> None:
        """The `nth` matching Stripe request fails with `status` (not executed)."""
        raise TargetError(self.explain_missing([Capability.STRIPE_FAULTS]))
