"""The Flow, read once from its XML: elements by name with their kind, node and line, the
connectors between them, the start and its paths, the trigger.

The one reading of flow XML: the validator's rules, orgsim's loader (which builds its runtime
model from this), `sfpay diagram` and the pipeline's inventory use it. Element kinds and
connector tags are those of the Metadata API `Flow` type (vendor/salesforce-metadata-api-v66.wsdl,
complexType Flow and FlowConnector).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from sfmeta.record import Record
from sfmeta.xml import Node, XmlSyntaxError, child, children, line_of, local, parse, stripped, text

if TYPE_CHECKING:
    from sfmeta.flow_parts import CanvasElement, Constant, Formula, Start, TextTemplate, Variable

# Elements that sit on the canvas and can be the target of a connector.
NODE_KINDS = frozenset(
    {
        "actionCalls",
        "apexPluginCalls",
        "assignments",
        "collectionProcessors",
        "customErrors",
        "decisions",
        "loops",
        "orchestratedStages",
        "recordCreates",
        "recordDeletes",
        "recordLookups",
        "recordRollbacks",
        "recordUpdates",
        "screens",
        "steps",
        "subflows",
        "transforms",
        "waits",
    }
)
# Named resources that can be referenced but are not connected.
RESOURCE_KINDS = frozenset(
    {
        "choices",
        "constants",
        "dynamicChoiceSets",
        "formulas",
        "stages",
        "textTemplates",
        "variables",
        "collectionFilterCriteria",
    }
)
DML_KINDS = frozenset({"recordCreates", "recordUpdates", "recordDeletes"})
# Named parts nested in an element that references can name too: a decision outcome
# (`{!Is_Paid}` is true when that outcome ran), a screen component (`{!Amount_Input}`, also
# inside sections and regions), a wait event, an orchestration step.
NESTED_NAMES = {
    "decisions": ("rules",),
    "screens": ("fields",),
    "waits": ("waitEvents",),
    "orchestratedStages": ("stageSteps",),
}
# The connector elements that lead from one node to the next, and what kind of edge each is.
CONNECTOR_TAGS = {
    "connector": "next",
    "defaultConnector": "default",
    "faultConnector": "fault",
    "nextValueConnector": "next",
    "noMoreValuesConnector": "next",
}

# `iter()` filters for the connector elements, in any namespace.
_CONNECTOR_PATTERNS = tuple("{*}" + tag for tag in CONNECTOR_TAGS)

IMMEDIATE_PATH = "immediate"


class Edge(NamedTuple):
    source: str  # element name, or "start"
    target: str
    kind: str  # next | default | fault
    line: int  # line of the <targetReference>


class FlowPath(NamedTuple):
    """A way into the flow from its start: the immediate path or one scheduled path."""

    label: str  # "immediate" or the scheduled path's name
    path_type: str | None  # "AsyncAfterCommit" for Run Asynchronously, None for time-based
    target: str | None
    line: int
    max_batch_size: int | None = None  # the scheduled path's Batch Size (maxBatchSize), if set


class Element(Record):
    __slots__ = _fields = ("name", "kind", "node", "line", "edges")

    def __init__(
        self,
        name: str,
        kind: str,  # the XML tag: actionCalls, recordLookups, variables, ...
        node: Node,
        line: int,
        edges: list[Edge] | None = None,
    ) -> None:
        self.name, self.kind, self.node, self.line = name, kind, node, line
        self.edges: list[Edge] = [] if edges is None else edges

    def get(self, name: str, default: str | None = None) -> str | None:
        return stripped(self.node, name, default)

    @property
    def is_node(self) -> bool:
        return self.kind in NODE_KINDS


class FlowXmlError(ValueError):
    """Bytes that are not a flow document; `line` is 0 when unknown."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class Flow:
    """A flow document. `parts` keeps every top-level element in document order (the model
    keys elements by name; orgsim also needs the order, duplicates and unnamed ones)."""

    def __init__(self, root: Node, api_name: str) -> None:
        self.root = root
        self.api_name = api_name
        self.elements: dict[str, Element] = {}
        self.duplicates: list[Element] = []
        self.parts: list[tuple[str, Node]] = [(local(node.tag), node) for node in children(root)]
        self.start = child(root, "start")
        self.process_type = stripped(root, "processType")
        self.label = stripped(root, "label")
        self.status = stripped(root, "status")
        self.api_version = stripped(root, "apiVersion")
        self.start_edges: list[Edge] = []
        self.paths: list[FlowPath] = []
        connectors = _connectors_by_part(root)
        for kind, node in self.parts:
            if kind not in NODE_KINDS and kind not in RESOURCE_KINDS:
                continue
            name = stripped(node, "name")
            if not name:
                continue
            element = Element(name, kind, node, line_of(node))
            if kind in NODE_KINDS:
                element.edges = list(_edges_of(name, connectors.get(node, [])))
            self._register(element)
            for nested_tag in NESTED_NAMES.get(kind, ()):
                for nested in node.iter("{*}" + nested_tag):
                    nested_name = stripped(nested, "name")
                    if nested_name:
                        self._register(Element(nested_name, f"{kind}.{nested_tag}", nested, line_of(nested)))
        self._read_paths()

    @classmethod
    def from_bytes(cls, data: bytes, api_name: str) -> "Flow":
        """Parse a flow file; FlowXmlError if it is not XML or its root is not `<Flow>`."""
        try:
            root = parse(data)
        except XmlSyntaxError as exc:
            raise FlowXmlError(exc.line, f"not XML: {exc.message}") from None
        if local(root.tag) != "Flow":
            raise FlowXmlError(line_of(root, 1), "root element is not <Flow>")
        return cls(root, api_name)

    def of_kind(self, kind: str) -> Iterator[Node]:
        """Top-level elements of one kind (`actionCalls`, `variables`, ...), in document order."""
        return (node for part_kind, node in self.parts if part_kind == kind)

    # -- typed parts (sfmeta/flow_parts.py) -----------------------------------------------------
    # Imported on first use: its ~30 frozen dataclasses cost more to create than `sfpay
    # validate` spends on a whole tree, and only orgsim's flow loader reads typed parts.
    def typed(self, kind: str, node: Node) -> CanvasElement | None:
        """The typed form of a top-level element; None for a kind that has none yet."""
        from sfmeta.flow_parts import ELEMENT_READERS

        reader = ELEMENT_READERS.get(kind)
        return reader(node) if reader is not None else None

    def variables(self) -> list[Variable]:
        from sfmeta.flow_parts import Variable

        return [Variable.read(node) for node in self.of_kind("variables")]

    def constants(self) -> list[Constant]:
        from sfmeta.flow_parts import Constant

        return [Constant.read(node) for node in self.of_kind("constants")]

    def formulas(self) -> list[Formula]:
        from sfmeta.flow_parts import Formula

        return [Formula.read(node) for node in self.of_kind("formulas")]

    def text_templates(self) -> list[TextTemplate]:
        from sfmeta.flow_parts import TextTemplate

        return [TextTemplate.read(node) for node in self.of_kind("textTemplates")]

    def typed_start(self) -> Start | None:
        from sfmeta.flow_parts import Start

        return Start.read(self.start) if self.start is not None else None

    @staticmethod
    def name_of(node: Node) -> str | None:
        """A top-level part's `<name>` as written (for messages about a part of any kind)."""
        return text(node, "name")

    @property
    def trigger_order(self) -> str | None:
        """`triggerOrder` as written."""
        return text(self.root, "triggerOrder")

    def _register(self, element: Element) -> None:
        key = element.name.lower()
        if key in self.elements:
            self.duplicates.append(element)
        else:
            self.elements[key] = element

    # -- start, trigger and paths -------------------------------------------------
    def _read_paths(self) -> None:
        start = self.start
        if start is not None:
            connector = child(start, "connector")
            if connector is not None:
                target = stripped(connector, "targetReference")
                line = line_of(child(connector, "targetReference"), line_of(connector))
                self.paths.append(FlowPath(IMMEDIATE_PATH, None, target, line))
                if target:
                    self.start_edges.append(Edge("start", target, "next", line))
            for scheduled in children(start, "scheduledPaths"):
                connector = child(scheduled, "connector")
                target = stripped(connector, "targetReference") if connector is not None else None
                line = line_of(
                    child(connector, "targetReference") if connector is not None else scheduled, line_of(scheduled)
                )
                label = stripped(scheduled, "name") or stripped(scheduled, "pathType") or "scheduled path"
                batch = (stripped(scheduled, "maxBatchSize") or "").strip()
                self.paths.append(
                    FlowPath(
                        label, stripped(scheduled, "pathType"), target, line, int(batch) if batch.isdigit() else None
                    )
                )
                if target:
                    self.start_edges.append(Edge("start", target, "next", line))
        start_reference = child(self.root, "startElementReference")
        if start_reference is not None and start_reference.text:
            target = start_reference.text.strip()
            self.paths.append(FlowPath(IMMEDIATE_PATH, None, target, line_of(start_reference)))
            self.start_edges.append(Edge("start", target, "next", line_of(start_reference)))

    @property
    def trigger_object(self) -> str | None:
        return stripped(self.start, "object") if self.start is not None else None

    @property
    def record_trigger_type(self) -> str | None:
        return stripped(self.start, "recordTriggerType") if self.start is not None else None

    @property
    def trigger_type(self) -> str | None:
        return stripped(self.start, "triggerType") if self.start is not None else None

    @property
    def is_record_triggered(self) -> bool:
        return self.trigger_type in ("RecordBeforeSave", "RecordAfterSave", "RecordBeforeDelete")

    @property
    def has_record(self) -> bool:
        """Whether `$Record` exists: record-triggered, scheduled-with-object and event-triggered flows."""
        return self.start is not None and (self.trigger_object is not None or self.trigger_type == "PlatformEvent")

    @property
    def has_prior_record(self) -> bool:
        return self.is_record_triggered and self.record_trigger_type in ("Update", "CreateAndUpdate")

    @property
    def start_line(self) -> int:
        return line_of(self.start, 1) if self.start is not None else line_of(self.root, 1)

    # -- lookups ------------------------------------------------------------------
    def element(self, name: str | None) -> Element | None:
        return self.elements.get(name.lower()) if name else None

    def nodes(self) -> list[Element]:
        return [e for e in self.elements.values() if e.is_node]

    def all_edges(self) -> list[Edge]:
        edges = list(self.start_edges)
        for element in self.nodes():
            edges.extend(element.edges)
        return edges

    def successors(self, element: Element, *, include_fault: bool = True) -> list[Edge]:
        return [e for e in element.edges if include_fault or e.kind != "fault"]


def _connectors_by_part(root: Node) -> dict[Node, list[tuple[str, Node]]]:
    """(edge kind, connector element) of every connector nested in each top-level element,
    in document order, including those nested in decision rules and wait events.

    One pass for the whole flow, the connector elements found by lxml in C: reading every
    element's tag, or starting a filtered pass for each element, costs more."""
    found: dict[Node, list[tuple[str, Node]]] = {}
    for item in root.iter(*_CONNECTOR_PATTERNS):
        parent = item.getparent()
        if parent is root:
            continue  # a top-level element itself: connectors leave elements, not the flow
        top = item
        while parent is not root:
            top, parent = parent, parent.getparent()
        found.setdefault(top, []).append((CONNECTOR_TAGS[local(item.tag)], item))
    return found


def _edges_of(source: str, connectors: list[tuple[str, Node]]) -> Iterator[Edge]:
    """The edges leaving element `source` through its `connectors` (_connectors_by_part)."""
    for kind, item in connectors:
        reference = child(item, "targetReference")
        if reference is not None and reference.text and reference.text.strip():
            yield Edge(source, reference.text.strip(), kind, line_of(reference, line_of(item)))
