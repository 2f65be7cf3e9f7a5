"""The interface every flow element handler implements, and the registry (dispatch table)."""

from __future__ import annotations

from orgsim.flows.model import Element
from sfmeta.xml import child, local, text

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


def register(handler_cls):
    handler = handler_cls()
    REGISTRY[handler.kind] = handler
    return handler_cls


def target_of(el, tag: str) -> str | None:
    conn = child(el, tag)
    return text(conn, "targetReference") if conn is not None else None


class Handler:
    kind: str = ""
    bulk: bool = False  # runs for all waiting interviews at once (DML, queries, actions)
    tags: set[str] = set()  # element children this handler understands

    def parse(self, loader, el) -> Element:
        name = text(el, "name")
        for c in el:
            if isinstance(c.tag, str) and local(c) not in COMMON_TAGS and local(c) not in self.tags:
                loader.unsupported(name or "?", f"<{local(c)}> in {self.kind}")
        element = Element(
            kind=self.kind,
            name=name,
            label=text(el, "label", name) or name,
            connector=target_of(el, "connector"),
            fault_connector=target_of(el, "faultConnector"),
        )
        element.spec = self.parse_spec(loader, el, element)
        return element

    def parse_spec(self, loader, el, element: Element):
        return None

    def run(self, runtime, element: Element, interviews: list) -> None:
        raise NotImplementedError

    def effects(self, element: Element) -> frozenset[str]:
        """What serving this element does to the transaction: "dml" (uncommitted work) and/or
        "callout". Used to pick the order of bulk groups (orgsim/flows/interpreter.py)."""
        return frozenset()
