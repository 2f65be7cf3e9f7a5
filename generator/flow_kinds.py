"""The one table of the flows sfpay generates.

Each row is a flow kind: its spec section (`flows.<key>`), its template, what triggers it,
its longest chain of Stripe callouts, and the defaults of its names. The spec model
(generator/spec/model.py builds `Flows` from it), the defaults, the renderer
(generator/render/engine.py, context.py), the harness (harness/spec_view.py) and
docs/generator.md loop over this table; adding a kind is one row here plus its template
(tests/generator/test_flow_kinds.py registers a throw-away one).

Kept free of the spec model so the model can be built from it.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from sfmeta.connector_package import STRIPE_EVENT

# recordTriggerType values of a record-triggered flow's start element (Metadata API, Flow:
# FlowStart.recordTriggerType; https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_visual_workflow.htm).
RecordTriggerType = Literal["Create", "Update", "CreateAndUpdate", "Delete"]


class FlowKind(NamedTuple):
    key: str  # the spec section flows.<key>, and the name templates use
    template: str  # under templates/flows/
    object: str  # the triggering object; "{ns}" stands for the connector namespace
    trigger: RecordTriggerType  # when it runs
    trigger_order: int  # default order among the object's record-triggered flows
    # Longest chain of connector actions one interview runs (None: no callouts). With one
    # record per transaction on the Stripe path, this is the flow's peak callouts per
    # transaction, checked against the budget in generator/render/context.py.
    max_callouts: int | None
    api_name: str  # default flow API name
    label: str  # default flow label
    description: str  # default flow description
    summary: str  # one line for docs and messages

    @property
    def section(self) -> str:
        return f"flows.{self.key}"

    def object_name(self, namespace: str) -> str:
        return self.object.replace("{ns}", namespace)


# The seed's own flow names, version suffixes included, so admins recognise them.
FLOW_KINDS: list[FlowKind] = [
    FlowKind(
        key="create",
        template="create.flow-meta.xml.j2",
        object="Opportunity",
        trigger="Create",
        trigger_order=10,
        # Retrieve the existing customer, create a customer (a deleted one is replaced),
        # invoice, item, finalize, send.
        max_callouts=6,
        api_name="Stripe_Invoice_On_Opportunity_Create",
        label="Opportunity after flow stripe payment url generate and update \u2013 V12",
        description="Creates, finalizes and links a Stripe invoice when an eligible "
        "Opportunity is created (all Stripe calls on the asynchronous path).",
        summary="Opportunity created -> invoice",
    ),
    FlowKind(
        key="update",
        template="update.flow-meta.xml.j2",
        object="Opportunity",
        trigger="Update",
        trigger_order=20,
        # The create chain, plus retrieving the previous invoice and voiding it.
        max_callouts=8,
        api_name="Stripe_Invoice_On_Opportunity_Update",
        label="Opportunity after Update flow stripe payment url generate and update \u2013 V11",
        description="Issues the first invoice when an Opportunity becomes eligible, "
        "or voids and replaces it when the amount changes; never on its own writeback.",
        summary="Opportunity becomes eligible or its amount changes -> (replacement) invoice",
    ),
    FlowKind(
        key="reminder",
        template="reminder.flow-meta.xml.j2",
        object="Opportunity",
        trigger="CreateAndUpdate",
        trigger_order=30,
        max_callouts=None,
        api_name="Stripe_Payment_Reminder",
        label="Payment Link Created and Pending for 30 Days Sending email alert \u2013 V7",
        description="Sends the record type's reminder email when an invoice is still "
        "unpaid at each scheduled offset after the invoice date.",
        summary="reminder emails at scheduled offsets",
    ),
    FlowKind(
        key="event",
        template="event.flow-meta.xml.j2",
        object="{ns}__" + STRIPE_EVENT,
        trigger="Create",
        trigger_order=10,
        # Retrieve the invoice.
        max_callouts=1,
        api_name="Stripe_Event_Update_Opportunity_Status",
        label="Update Opportunity status When Stripe event changes \u2013 V4",
        description="Applies Stripe invoice events to the Opportunity holding the "
        "invoice; never downgrades Paid; moves paid Opportunities to the won stage.",
        summary="Stripe webhook event -> re-read invoice -> status",
    ),
]


def flow_kind(key: str) -> FlowKind:
    for kind in FLOW_KINDS:
        if kind.key == key:
            return kind
    raise KeyError(f"no flow kind {key!r} (known: {', '.join(k.key for k in FLOW_KINDS)})")


def register(kind: FlowKind) -> None:
    """Add a kind. Only before the spec model is imported: `Flows` is built from the table
    once (the throw-away kind of tests/generator/test_flow_kinds.py runs in its own process)."""
    import sys

    if "generator.spec.model" in sys.modules:
        raise RuntimeError("register flow kinds before generator.spec.model is imported")
    if any(existing.key == kind.key for existing in FLOW_KINDS):
        raise ValueError(f"flow kind {kind.key!r} exists")
    FLOW_KINDS.append(kind)
