"""loops: walk a collection; each visit moves to the next item, then the "after last" path.

The current item is available as the loop element's own name (`{!Each_Opportunity}`), and also
assigned to `assignNextValueToReference` when the flow names a variable for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from orgsim.flows.elements.base import Handler, register
from sfmeta.flow_parts import Loop as LoopPart

if TYPE_CHECKING:
    from orgsim.flows.loader import FlowLoader
    from orgsim.flows.model import Element


@dataclass
class LoopSpec:
    collection: str
    descending: bool
    next_value: str | None
    no_more_values: str | None
    assign_to: str | None


@register
class Loop(Handler):
    kind = "loops"
    tags = {
        "collectionReference",
        "iterationOrder",
        "nextValueConnector",
        "noMoreValuesConnector",
        "assignNextValueToReference",
    }

    def parse_spec(self, loader: FlowLoader, part: LoopPart, element: Element) -> LoopSpec:
        collection = loader.ref(part.collection_reference, element.name)
        order = part.iteration_order if part.iteration_order is not None else "Asc"
        if order not in ("Asc", "Desc"):
            loader.unsupported(element.name, f"iterationOrder {order!r}")
        assign_to = part.assign_next_value_to_reference
        if assign_to:
            loader.target(assign_to, element.name)
        loader.resources[element.name.lower()] = ("loop", None)
        return LoopSpec(
            collection,
            order == "Desc",
            part.next_value_connector,
            part.no_more_values_connector,
            assign_to,
        )

    def connectors(self, element):
        return [element.spec.next_value, element.spec.no_more_values]

    def run(self, runtime, element, interviews):
        spec: LoopSpec = element.spec
        for iv in interviews:
            state_key = "__loop__" + element.name.lower()
            position = iv.outputs.get(state_key, 0)
            items = list(iv.resolve(spec.collection) or [])
            if spec.descending:
                items.reverse()
            if position < len(items):
                item = items[position]
                iv.outputs[state_key] = position + 1
                iv.outputs[element.name.lower()] = item
                if spec.assign_to:
                    iv.assign(spec.assign_to, item)
                runtime.go(iv, spec.next_value)
            else:
                iv.outputs[state_key] = 0
                runtime.go(iv, spec.no_more_values)
