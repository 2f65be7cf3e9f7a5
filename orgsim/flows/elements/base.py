"""The interface every flow element handler implements, and the registry (dispatch table)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orgsim.flows.model import Element
from sfmeta.flow_parts import CanvasElement

if TYPE_CHECKING:
    from orgsim.flows.loader import FlowLoader

COMMON_TAGS = {
    "name",
    "label",
    "locationX",
    "locationY",
    "description",
    "connector",
    "faultConnector",
    "processMetadataValues",
    "elementSubtype",
}

REGISTRY: dict[str, "Handler"] = {}


def register(handler_cls: type[Handler]) -> type[Handler]:
    handler = handler_cls()
    REGISTRY[handler.kind] = handler
    return handler_cls


class Handler:
    kind: str = ""
    bulk: bool = False  # runs for all waiting interviews at once (DML, queries, actions)
    tags: set[str] = set()  # element children this handler understands

    def parse(self, loader: FlowLoader, part: CanvasElement) -> Element:
        """`part` is the element's typed form (sfmeta.flow_parts), of this handler's kind."""
        name = part.name or ""
        if not name:
            loader.fail(f"({self.kind})", "element without a <name>")
        for tag in part.tags:
            if tag not in COMMON_TAGS and tag not in self.tags:
                loader.unsupported(name or "?", f"<{tag}> in {self.kind}")
        element = Element(
            kind=self.kind,
            name=name,
            label=part.label or name,
            connector=part.connector,
            fault_connector=part.fault_connector,
        )
        element.spec = self.parse_spec(loader, part, element)
        return element

    def parse_spec(self, loader: FlowLoader, part: Any, element: Element) -> Any:
        return None

    def run(self, runtime, element: Element, interviews: list) -> None:
        raise NotImplementedError

    def effects(self, element: Element) -> frozenset[str]:
        """What serving this element does to the transaction: "dml" (uncommitted work) and/or
        "callout". Used to pick the order of bulk groups (orgsim/flows/interpreter.py)."""
        return frozenset()
