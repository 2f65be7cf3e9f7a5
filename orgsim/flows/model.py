"""A loaded flow: trigger, resources and elements, checked at load time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ValueSpec:
    """A `<value>`: a literal, a reference (`elementReference`), or text with merge fields."""

    kind: str  # literal | ref | template | null
    value: Any = None  # literal value, reference path, or parsed template


@dataclass
class Condition:
    left: str  # reference path (decisions) or field name (record filters)
    operator: str
    right: ValueSpec | None


@dataclass
class ScheduledPath:
    name: str
    path_type: str  # AsyncAfterCommit | Scheduled
    connector: str | None
    offset_number: int = 0
    offset_unit: str = "Days"
    time_source: str = "RecordTriggerEvent"
    record_field: str | None = None
    max_batch_size: int | None = None


@dataclass
class Start:
    object: str
    trigger_type: str  # RecordBeforeSave | RecordAfterSave
    record_trigger_type: str  # Create | Update | CreateAndUpdate
    filters: list[Condition] = field(default_factory=list)
    filter_logic: str = "and"
    filter_formula: Any = None  # Formula
    requires_change: bool = False
    connector: str | None = None
    scheduled_paths: list[ScheduledPath] = field(default_factory=list)


@dataclass
class Element:
    kind: str
    name: str
    label: str
    connector: str | None = None
    fault_connector: str | None = None
    spec: Any = None
    default: str | None = None  # a decision's default outcome connector (defaultConnector)


@dataclass
class Variable:
    name: str
    data_type: str
    is_collection: bool = False
    object_type: str | None = None
    default: ValueSpec | None = None
    scale: int | None = None


@dataclass
class FormulaResource:
    name: str
    formula: Any
    data_type: str | None
    scale: int | None


@dataclass
class FlowDef:
    name: str
    label: str
    status: str
    process_type: str
    api_version: str
    where: str
    start: Start | None = None
    trigger_order: int | None = None
    elements: dict[str, Element] = field(default_factory=dict)
    variables: dict[str, Variable] = field(default_factory=dict)
    constants: dict[str, ValueSpec] = field(default_factory=dict)
    formulas: dict[str, FormulaResource] = field(default_factory=dict)
    templates: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status == "Active"

    def index(self) -> None:
        """Case-insensitive name -> resource lookup table (flow names ignore case)."""
        table: dict[str, tuple[str, Any]] = {}  # lower name -> (kind, the resource of that kind)
        for name, spec in self.constants.items():
            table[name.lower()] = ("constant", spec)
        for name, res in self.formulas.items():
            table[name.lower()] = ("formula", res)
        for name, parts in self.templates.items():
            table[name.lower()] = ("template", parts)
        for name, var in self.variables.items():
            table[name.lower()] = ("variable", var)
        self.lookup = table
