"""Typed parts of a flow: what each element, resource and the start say, read once from the XML.

Field names follow the Metadata API `Flow` type's elements (vendor/salesforce-metadata-api-v66.wsdl:
FlowActionCall, FlowAssignment, FlowDecision, FlowLoop, FlowRecordLookup, FlowRecordCreate,
FlowRecordUpdate, FlowRecordDelete, FlowCustomError, FlowVariable, FlowConstant, FlowFormula,
FlowTextTemplate, FlowStart, FlowScheduledPath, FlowElementReferenceOrValue). Text is kept as
written (a reader strips where Salesforce does); a flag is `true` in any case. `tags` lists the
child elements as written, so a reader can refuse what it does not implement.

`sfmeta.flow.Flow.typed(...)` gives these; readers (orgsim's flow loader) never walk the XML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sfmeta.xml import Node, child, children, flag, line_of, local, text


def _tags(node: Node) -> tuple[str, ...]:
    return tuple(local(item) for item in node if isinstance(item.tag, str))


def _target(node: Node, tag: str) -> str | None:
    connector = child(node, tag)
    return text(connector, "targetReference") if connector is not None else None


@dataclass(frozen=True)
class ValueItem:
    kind: str  # stringValue, numberValue, booleanValue, dateValue, dateTimeValue, elementReference, ...
    text: str | None


@dataclass(frozen=True)
class FlowValue:
    """A `<value>` / `<rightValue>` (FlowElementReferenceOrValue): its children as written;
    exactly one in a valid flow, none for an empty value."""

    items: tuple[ValueItem, ...]


def value_of(node: Node | None, tag: str) -> FlowValue | None:
    """The value element `tag` of `node`; None when absent."""
    found = child(node, tag) if node is not None else None
    if found is None:
        return None
    return FlowValue(tuple(ValueItem(local(item), item.text) for item in found if isinstance(item.tag, str)))


# -- named parts -------------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    """What every element and resource has: its name, children as written, and line."""

    name: str | None
    tags: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class CanvasElement(Part):
    """A canvas element: label and the connectors every node may have."""

    label: str | None
    connector: str | None
    fault_connector: str | None


def _node_fields(
    node: Node,
) -> tuple[str | None, tuple[str, ...], int, str | None, str | None, str | None]:
    """The CanvasElement fields, in their order (name, tags, line, label, connectors)."""
    return (
        text(node, "name"),
        _tags(node),
        line_of(node),
        text(node, "label"),
        _target(node, "connector"),
        _target(node, "faultConnector"),
    )


@dataclass(frozen=True)
class InputParameter:
    name: str | None
    value: FlowValue | None


@dataclass(frozen=True)
class OutputParameter:
    name: str | None
    assign_to_reference: str | None


@dataclass(frozen=True)
class ActionCall(CanvasElement):
    action_type: str | None
    action_name: str | None
    flow_transaction_model: str | None
    input_parameters: tuple[InputParameter, ...]
    output_parameters: tuple[OutputParameter, ...]
    store_output_automatically: bool

    @classmethod
    def read(cls, node: Node) -> ActionCall:
        return cls(
            *_node_fields(node),
            action_type=text(node, "actionType"),
            action_name=text(node, "actionName"),
            flow_transaction_model=text(node, "flowTransactionModel"),
            input_parameters=tuple(
                InputParameter(text(p, "name"), value_of(p, "value")) for p in children(node, "inputParameters")
            ),
            output_parameters=tuple(
                OutputParameter(text(p, "name"), text(p, "assignToReference"))
                for p in children(node, "outputParameters")
            ),
            store_output_automatically=flag(node, "storeOutputAutomatically"),
        )


@dataclass(frozen=True)
class AssignmentItem:
    assign_to_reference: str | None
    operator: str | None
    value: FlowValue | None


@dataclass(frozen=True)
class Assignment(CanvasElement):
    assignment_items: tuple[AssignmentItem, ...]

    @classmethod
    def read(cls, node: Node) -> Assignment:
        items = tuple(
            AssignmentItem(text(item, "assignToReference"), text(item, "operator"), value_of(item, "value"))
            for item in children(node, "assignmentItems")
        )
        return cls(*_node_fields(node), assignment_items=items)


@dataclass(frozen=True)
class Condition:
    """A decision rule's condition (FlowCondition)."""

    left_value_reference: str | None
    operator: str | None
    right_value: FlowValue | None


@dataclass(frozen=True)
class Rule:
    """A decision outcome (FlowRule)."""

    name: str | None
    tags: tuple[str, ...]
    condition_logic: str | None
    conditions: tuple[Condition, ...]
    connector: str | None
    does_require_record_changed_to_meet_criteria: bool


@dataclass(frozen=True)
class Decision(CanvasElement):
    rules: tuple[Rule, ...]
    default_connector: str | None

    @classmethod
    def read(cls, node: Node) -> Decision:
        rules = tuple(
            Rule(
                text(rule, "name"),
                _tags(rule),
                text(rule, "conditionLogic"),
                tuple(
                    Condition(text(c, "leftValueReference"), text(c, "operator"), value_of(c, "rightValue"))
                    for c in children(rule, "conditions")
                ),
                _target(rule, "connector"),
                flag(rule, "doesRequireRecordChangedToMeetCriteria"),
            )
            for rule in children(node, "rules")
        )
        return cls(*_node_fields(node), rules=rules, default_connector=_target(node, "defaultConnector"))


@dataclass(frozen=True)
class Loop(CanvasElement):
    collection_reference: str | None
    iteration_order: str | None
    assign_next_value_to_reference: str | None
    next_value_connector: str | None
    no_more_values_connector: str | None

    @classmethod
    def read(cls, node: Node) -> Loop:
        return cls(
            *_node_fields(node),
            collection_reference=text(node, "collectionReference"),
            iteration_order=text(node, "iterationOrder"),
            assign_next_value_to_reference=text(node, "assignNextValueToReference"),
            next_value_connector=_target(node, "nextValueConnector"),
            no_more_values_connector=_target(node, "noMoreValuesConnector"),
        )


@dataclass(frozen=True)
class RecordFilter:
    """A record filter or start entry condition (FlowRecordFilter)."""

    field: str | None
    operator: str | None
    value: FlowValue | None


@dataclass(frozen=True)
class FieldValue:
    """`inputAssignments` (FlowInputFieldAssignment)."""

    field: str | None
    value: FlowValue | None


@dataclass(frozen=True)
class FieldOutput:
    """`outputAssignments` (FlowOutputFieldAssignment)."""

    field: str | None
    assign_to_reference: str | None


def _filters(node: Node) -> tuple[RecordFilter, ...]:
    return tuple(
        RecordFilter(text(f, "field"), text(f, "operator"), value_of(f, "value")) for f in children(node, "filters")
    )


@dataclass(frozen=True)
class RecordLookup(CanvasElement):
    object: str | None
    filters: tuple[RecordFilter, ...]
    filter_logic: str | None
    get_first_record_only: bool
    store_output_automatically: bool
    output_reference: str | None
    output_assignments: tuple[FieldOutput, ...]
    queried_fields: tuple[str, ...]  # stripped, empty ones left out
    sort_field: str | None
    sort_order: str | None
    assign_null_values_if_no_records_found: bool
    limit: str | None

    @classmethod
    def read(cls, node: Node) -> RecordLookup:
        return cls(
            *_node_fields(node),
            object=text(node, "object"),
            filters=_filters(node),
            filter_logic=text(node, "filterLogic"),
            get_first_record_only=flag(node, "getFirstRecordOnly"),
            store_output_automatically=flag(node, "storeOutputAutomatically"),
            output_reference=text(node, "outputReference"),
            output_assignments=tuple(
                FieldOutput(text(o, "field"), text(o, "assignToReference")) for o in children(node, "outputAssignments")
            ),
            queried_fields=tuple(q.text.strip() for q in children(node, "queriedFields") if q.text),
            sort_field=text(node, "sortField"),
            sort_order=text(node, "sortOrder"),
            assign_null_values_if_no_records_found=flag(node, "assignNullValuesIfNoRecordsFound"),
            limit=text(node, "limit"),
        )


@dataclass(frozen=True)
class RecordWrite(CanvasElement):
    """recordCreates, recordUpdates, recordDeletes (each uses the fields its type has)."""

    object: str | None
    input_reference: str | None
    input_assignments: tuple[FieldValue, ...]
    filters: tuple[RecordFilter, ...]
    filter_logic: str | None
    store_output_automatically: bool
    assign_record_id_to_reference: str | None

    @classmethod
    def read(cls, node: Node) -> RecordWrite:
        return cls(
            *_node_fields(node),
            object=text(node, "object"),
            input_reference=text(node, "inputReference"),
            input_assignments=tuple(
                FieldValue(text(a, "field"), value_of(a, "value")) for a in children(node, "inputAssignments")
            ),
            filters=_filters(node),
            filter_logic=text(node, "filterLogic"),
            store_output_automatically=flag(node, "storeOutputAutomatically"),
            assign_record_id_to_reference=text(node, "assignRecordIdToReference"),
        )


@dataclass(frozen=True)
class ErrorMessage:
    """`customErrorMessages` (FlowCustomErrorMessage)."""

    error_message: str | None
    is_field_error: bool
    field_selection: str | None


@dataclass(frozen=True)
class CustomError(CanvasElement):
    custom_error_messages: tuple[ErrorMessage, ...]

    @classmethod
    def read(cls, node: Node) -> CustomError:
        messages = tuple(
            ErrorMessage(text(m, "errorMessage"), flag(m, "isFieldError"), text(m, "fieldSelection"))
            for m in children(node, "customErrorMessages")
        )
        return cls(*_node_fields(node), custom_error_messages=messages)


# -- resources ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Variable(Part):
    data_type: str | None
    is_collection: bool
    object_type: str | None
    scale: str | None
    value: FlowValue | None

    @classmethod
    def read(cls, node: Node) -> Variable:
        return cls(
            text(node, "name"),
            _tags(node),
            line_of(node),
            text(node, "dataType"),
            flag(node, "isCollection"),
            text(node, "objectType"),
            text(node, "scale"),
            value_of(node, "value"),
        )


@dataclass(frozen=True)
class Constant(Part):
    value: FlowValue | None

    @classmethod
    def read(cls, node: Node) -> Constant:
        return cls(text(node, "name"), _tags(node), line_of(node), value_of(node, "value"))


@dataclass(frozen=True)
class Formula(Part):
    data_type: str | None
    expression: str | None
    scale: str | None

    @classmethod
    def read(cls, node: Node) -> Formula:
        return cls(
            text(node, "name"),
            _tags(node),
            line_of(node),
            text(node, "dataType"),
            text(node, "expression"),
            text(node, "scale"),
        )


@dataclass(frozen=True)
class TextTemplate(Part):
    text: str | None

    @classmethod
    def read(cls, node: Node) -> TextTemplate:
        return cls(text(node, "name"), _tags(node), line_of(node), text(node, "text"))


# -- the start ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ScheduledPath:
    """FlowScheduledPath."""

    name: str | None
    path_type: str | None
    max_batch_size: str | None
    connector: str | None
    offset_unit: str | None
    offset_number: str | None
    time_source: str | None
    record_field: str | None


@dataclass(frozen=True)
class Start:
    """FlowStart."""

    tags: tuple[str, ...]
    line: int
    trigger_type: str | None
    record_trigger_type: str | None
    object: str | None
    does_require_record_changed_to_meet_criteria: bool
    connector: str | None
    filters: tuple[RecordFilter, ...]
    filter_logic: str | None
    filter_formula: str | None
    scheduled_paths: tuple[ScheduledPath, ...]

    @classmethod
    def read(cls, node: Node) -> Start:
        paths = tuple(
            ScheduledPath(
                text(sp, "name"),
                text(sp, "pathType"),
                text(sp, "maxBatchSize"),
                _target(sp, "connector"),
                text(sp, "offsetUnit"),
                text(sp, "offsetNumber"),
                text(sp, "timeSource"),
                text(sp, "recordField"),
            )
            for sp in children(node, "scheduledPaths")
        )
        return cls(
            _tags(node),
            line_of(node),
            text(node, "triggerType"),
            text(node, "recordTriggerType"),
            text(node, "object"),
            flag(node, "doesRequireRecordChangedToMeetCriteria"),
            _target(node, "connector"),
            _filters(node),
            text(node, "filterLogic"),
            text(node, "filterFormula"),
            paths,
        )


# Element type (the XML tag) -> its typed reader. A tag not here has no typed form yet.
ELEMENT_READERS: dict[str, Callable[[Node], CanvasElement]] = {
    "actionCalls": ActionCall.read,
    "assignments": Assignment.read,
    "customErrors": CustomError.read,
    "decisions": Decision.read,
    "loops": Loop.read,
    "recordCreates": RecordWrite.read,
    "recordDeletes": RecordWrite.read,
    "recordLookups": RecordLookup.read,
    "recordUpdates": RecordWrite.read,
}
