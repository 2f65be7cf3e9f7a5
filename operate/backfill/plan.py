"""What `sfpay backfill` does to each eligible Opportunity without an invoice (pure).

The generated update flow starts only when a save makes its entry criteria true
(`doesRequireRecordChangedToMeetCriteria`: "the record is updated to meet the condition
requirements", FlowRecordTriggerStart in
https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_visual_workflow.htm).
An eligible Opportunity that was never invoiced meets them already, so editing it starts
nothing. Backfill uses the path an admin uses after an invoicing stop, in two saves:

1. `queue`: the invoicing error field gets the backfill marker (criteria now false: an
   error is set and Retry Invoicing is not checked; nothing starts);
2. `trigger`: Retry Invoicing is checked (criteria false -> true: the update flow starts,
   invoices through its Stripe path, clears the error and unchecks Retry Invoicing).

The state lives on the Opportunity, so an interrupted run resumes where it stopped, and an
Opportunity whose flow is already under way (marker set, Retry checked) is never started a
second time. Beyond that, the flow's Stripe calls carry idempotency keys made of the
Opportunity id, revision, attempt and amount (`sfpay-<Id>-r<rev>-a<attempt>-<amount>`), so
even a second start of the same attempt gets the same invoice back from Stripe
(https://docs.stripe.com/api/idempotent_requests).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

MARKER = "sfpay backfill: queued for invoicing"

# Action per Opportunity.
QUEUE = "queue"  # both saves
TRIGGER = "trigger"  # the marker is set, Retry not checked: a run stopped between the saves
PENDING = "pending"  # Retry checked: the flow is under way; never started twice
ATTENTION = "needs_attention"  # a flow stop (another error): fix the cause, then Retry Invoicing


@dataclass(frozen=True)
class BackfillFacts:
    invoice_id_field: str
    error_field: str
    retry_field: str
    eligible_stages: tuple[str, ...]
    minimum_amount: Decimal

    def soql(self, where: str | None) -> str:
        stages = ", ".join("'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'" for s in self.eligible_stages)
        extra = f" AND ({where})" if where else ""
        return (
            f"SELECT Id, Name, Amount, StageName, {self.error_field}, {self.retry_field} FROM Opportunity "
            f"WHERE {self.invoice_id_field} = null AND StageName IN ({stages}) "
            f"AND Amount >= {self.minimum_amount}{extra} ORDER BY Id"
        )


def action(facts: BackfillFacts, row: dict) -> str:
    error = row.get(facts.error_field)
    retry = bool(row.get(facts.retry_field))
    if retry:
        return PENDING
    if not error:
        return QUEUE
    if error.startswith(MARKER):
        return TRIGGER
    return ATTENTION


def facts_from_spec(spec) -> BackfillFacts:
    f = spec.fields
    return BackfillFacts(
        invoice_id_field=f.invoice_id.api_name,
        error_field=f.invoicing_error.api_name,
        retry_field=f.retry_invoicing.api_name,
        eligible_stages=tuple(spec.invoicing.eligible_stages),
        minimum_amount=spec.invoicing.minimum_amount,
    )
