"""Build a FlowDef from the deployed flow (sfmeta's Flow model of its XML), failing closed at
LOAD time.

Anything the interpreter does not implement -- an element type, an operator, an action, a
formula function, a reference it cannot resolve -- is refused here with the flow and element
named, so a flow never runs half-understood.
"""

from __future__ import annotations

from typing import NoReturn

from orgsim.errors import MetadataError, UnknownField, UnknownObject, UnsupportedFlowFeature
from orgsim.flows.conditions import OPERATORS as CONDITION_OPERATORS
from orgsim.flows.conditions import compile_logic
from orgsim.flows.elements import REGISTRY
from orgsim.flows.model import Condition, FlowDef, FormulaResource, ScheduledPath, Start, ValueSpec, Variable
from orgsim.flows.records import check_field_path
from orgsim.flows.values import ValueError_, parse_template, parse_value, template_refs
from orgsim.formula import Formula, FormulaError
from sfmeta.flow import Flow
from sfmeta.flow_parts import FlowValue
from sfmeta.flow_parts import Formula as FormulaPart
from sfmeta.flow_parts import ScheduledPath as ScheduledPathPart
from sfmeta.flow_parts import Start as StartPart
from sfmeta.flow_parts import Variable as VariablePart

FLOW_GLOBALS = {
    "FaultMessage",
    "CurrentDateTime",
    "CurrentDate",
    "InterviewGuid",
    "InterviewStartTime",
    "CurrentRecord",
}
META_TAGS = {
    "apiVersion",
    "areMetricsLoggedToDataCloud",
    "description",
    "environments",
    "interviewLabel",
    "label",
    "processMetadataValues",
    "processType",
    "runInMode",
    "status",
    "isTemplate",
    "triggerOrder",
    "start",
    "variables",
    "formulas",
    "constants",
    "textTemplates",
    "isAdditionalPermissionRequiredToRun",
    "sourceTemplate",
    "migratedFromWorkflowRuleName",
    "isOverridable",
    "customProperties",
}
DATA_TYPES = {"String", "Number", "Currency", "Boolean", "Date", "DateTime", "SObject", "Picklist", "Multipicklist"}
START_TAGS = {
    "locationX",
    "locationY",
    "object",
    "recordTriggerType",
    "triggerType",
    "filters",
    "filterLogic",
    "filterFormula",
    "doesRequireRecordChangedToMeetCriteria",
    "connector",
    "scheduledPaths",
    "description",
}


class FlowLoader:
    def __init__(self, org, name: str, where: str):
        self.org = org
        self.name = name
        self.where = where
        self.refs: list[tuple[str, str]] = []  # (path, element)
        self.targets: list[tuple[str, str]] = []
        self.resources: dict[str, tuple] = {}  # lower name -> (kind, info)
        self._flow: FlowDef | None = None

    @property
    def flow(self) -> FlowDef:
        """The flow being loaded (load() creates it before anything reads it)."""
        if self._flow is None:
            raise RuntimeError(f"flow {self.name}: nothing loaded yet")
        return self._flow

    @property
    def start(self) -> Start:
        """The flow's start (load() reads it before the elements and the checks)."""
        if self.flow.start is None:
            raise RuntimeError(f"flow {self.name}: start not loaded yet")
        return self.flow.start

    # -- errors -----------------------------------------------------------------------------
    def unsupported(self, element: str, what: str) -> NoReturn:
        raise UnsupportedFlowFeature(self.name, element, what)

    def fail(self, element: str, message: str) -> NoReturn:
        raise MetadataError(message, where=f"flow {self.name}, element {element}")

    # -- helpers used by element handlers ------------------------------------------------------
    def named(self, name: str | None, what: str, element: str | None = None) -> str:
        """A part's `<name>`, required (Metadata API: every flow element and resource has one)."""
        if not name:
            self.fail(element or f"({what})", f"a {what} without a <name>")
        return name

    def sobject(self, name: str | None, element: str):
        try:
            return self.org.schema.get(name or "")
        except UnknownObject:
            self.fail(element, f"unknown object {name!r}")

    def field(self, sobject, field: str | None, element: str) -> None:
        if not field or not sobject.has_field(field):
            self.fail(element, f"unknown field {field!r} on {sobject.name}")

    def value(self, given: FlowValue | None, element: str) -> ValueSpec:
        try:
            spec = parse_value(given)
        except ValueError_ as exc:
            self.fail(element, str(exc))
        if spec.kind == "ref":
            self.ref(spec.value, element)
        elif spec.kind == "template":
            for path in template_refs(spec.value):
                self.ref(path, element)
        return spec

    def ref(self, path: str | None, element: str) -> str:
        """Record a reference for the load-time check; returns it (an empty one is refused)."""
        if not path:
            self.fail(element, "empty reference")
        self.refs.append((path, element))
        return path

    def target(self, path: str | None, element: str) -> None:
        if not path:
            self.fail(element, "empty assignment target")
        self.targets.append((path, element))

    def outcome(self, name: str) -> None:
        self.resources[name.lower()] = ("outcome", None)

    def record_output(self, element: str, sobject: str, single: bool, fields=None) -> None:
        self.resources[element.lower()] = ("records", (sobject, single))

    def id_output(self, element: str) -> None:
        self.resources[element.lower()] = ("id", None)

    def model_output(self, element: str, model: str) -> None:
        self.resources[element.lower()] = ("model", model)

    # -- the flow ---------------------------------------------------------------------------------
    def load(self, root) -> FlowDef:
        model = Flow(root, self.name)
        process_type = model.process_type or ""
        flow = FlowDef(
            name=self.name,
            label=model.label or self.name,
            status=model.status or "Draft",
            process_type=process_type,
            api_version=model.api_version or "",
            where=self.where,
        )
        self._flow = flow
        if flow.status not in ("Active", "Draft", "Obsolete", "InvalidDraft"):
            self.fail("(flow)", f"unknown status {flow.status!r}")
        if process_type != "AutoLaunchedFlow":
            self.unsupported(
                "(flow)", f"processType {process_type!r} (only record-triggered AutoLaunchedFlow runs here)"
            )
        order = model.trigger_order
        flow.trigger_order = int(order) if order else None
        for tag, el in model.parts:
            if tag not in META_TAGS and tag not in REGISTRY:
                self.unsupported(model.name_of(el) or tag, f"element type <{tag}>")
        start_part = model.typed_start()
        if start_part is None or not start_part.trigger_type:
            self.unsupported(
                "start", "flow without a record trigger (only record-triggered flows run in the org emulator)"
            )
        # resources first: elements refer to them.
        for v in model.variables():
            self._variable(v)
        for c in model.constants():
            name = self.named(c.name, "constant")
            flow.constants[name] = self.value(c.value, name)
            self.resources[name.lower()] = ("constant", None)
        for f in model.formulas():
            self._formula(f)
        for t in model.text_templates():
            name = self.named(t.name, "text template")
            parts = parse_template(t.text or "")
            flow.templates[name] = parts
            self.resources[name.lower()] = ("template", None)
            for path in template_refs(parts):
                self.ref(path, name)
        flow.start = self._start(start_part)
        for tag, el in model.parts:
            if tag in REGISTRY:
                part = model.typed(tag, el)
                if part is None:  # every handled kind has a typed form (sfmeta.flow_parts.ELEMENT_READERS)
                    self.unsupported(model.name_of(el) or tag, f"element type <{tag}>")
                element = REGISTRY[tag].parse(self, part)
                if (
                    element.name in flow.elements
                    or element.name.lower() in self.resources
                    and self.resources[element.name.lower()][0] in ("variable", "constant", "formula", "template")
                ):
                    self.fail(element.name, "duplicate element or resource name")
                flow.elements[element.name] = element
                self.resources.setdefault(element.name.lower(), ("element", element.kind))
        self._check_graph()
        for path, where in self.refs:
            self._check_ref(path, where)
        for path, where in self.targets:
            self._check_target(path, where)
        self._narrow_lookups()
        flow.index()
        return flow

    def _narrow_lookups(self) -> None:
        """Get Records with automatically stored output query only the fields the flow reads, as
        Salesforce does; a lookup whose whole record is used (loops, record variables,
        inputReference) keeps every field."""
        for element in self.flow.elements.values():
            spec = element.spec
            if element.kind != "recordLookups" or not spec.store_auto or spec.queried_fields:
                continue
            sobject = self.org.schema.get(spec.object)
            used, whole = set(), False
            for path, _ in self.refs + self.targets:
                parts = path.split(".")
                if parts[0].lower() != element.name.lower():
                    continue
                if len(parts) == 1:
                    whole = True
                    break
                used.add(
                    sobject.field(parts[1]).name if sobject.has_field(parts[1]) else sobject.relationship(parts[1]).name
                )
            if not whole:
                spec.queried_fields = sorted(used | {"Id"})

    def _variable(self, v: VariablePart) -> None:
        name = self.named(v.name, "variable")
        data_type = v.data_type
        if data_type not in DATA_TYPES:
            self.unsupported(name, f"variable data type {data_type!r}")
        object_type = v.object_type
        if data_type == "SObject":
            object_type = self.sobject(object_type, name).name
        scale = v.scale
        default = self.value(v.value, name) if v.value is not None else None
        self.flow.variables[name] = Variable(
            name, data_type, v.is_collection, object_type, default, int(scale) if scale else None
        )
        self.resources[name.lower()] = ("variable", self.flow.variables[name])

    def _formula(self, f: FormulaPart) -> None:
        name = self.named(f.name, "formula")
        data_type = f.data_type
        if data_type not in DATA_TYPES - {"SObject"}:
            self.unsupported(name, f"formula data type {data_type!r}")
        try:
            formula = Formula.compile(f.expression or "")
        except FormulaError as exc:
            self.fail(name, str(exc))
        for path in formula.references:
            self.ref(path, name)
        scale = f.scale
        self.flow.formulas[name] = FormulaResource(name, formula, data_type, int(scale) if scale else None)
        self.resources[name.lower()] = ("formula", None)

    def _start(self, el: StartPart) -> Start:
        for tag in el.tags:
            if tag not in START_TAGS:
                self.unsupported("start", f"<{tag}>")
        trigger_type = el.trigger_type
        if trigger_type not in ("RecordBeforeSave", "RecordAfterSave"):
            self.unsupported("start", f"triggerType {trigger_type!r}")
        record_trigger = el.record_trigger_type
        if record_trigger not in ("Create", "Update", "CreateAndUpdate"):
            self.unsupported("start", f"recordTriggerType {record_trigger!r}")
        sobject = self.sobject(el.object, "start")
        start = Start(
            object=sobject.name,
            trigger_type=trigger_type,
            record_trigger_type=record_trigger,
            requires_change=el.does_require_record_changed_to_meet_criteria,
            connector=el.connector,
        )
        for f in el.filters:
            field, op = f.field, f.operator
            if op not in CONDITION_OPERATORS:
                self.unsupported("start", f"entry condition operator {op}")
            if op == "IsChanged" and record_trigger == "Create":
                self.fail("start", "IsChanged needs a flow that runs on update")
            self.field(sobject, field, "start")
            right = self.value(f.value, "start")
            if right.kind not in ("literal", "null"):
                self.fail(
                    "start",
                    f"entry condition on {field} compares with a reference; entry conditions take literal values",
                )
            start.filters.append(Condition(sobject.field(field).name, op, right))
        start.filter_logic = el.filter_logic or "and"
        if start.filters:
            try:
                compile_logic(start.filter_logic, len(start.filters))
            except ValueError as exc:
                self.fail("start", str(exc))
        formula_text = el.filter_formula
        if formula_text:
            try:
                start.filter_formula = Formula.compile(formula_text, allow_prior=True)
            except FormulaError as exc:
                self.fail("start", str(exc))
            for path in start.filter_formula.references:
                self.ref(path, "start")
        self._check_prior_state_gate(start)
        for sp in el.scheduled_paths:
            start.scheduled_paths.append(self._scheduled_path(sp, sobject, trigger_type))
        if trigger_type == "RecordBeforeSave" and start.scheduled_paths:
            self.fail("start", "before-save flows cannot have scheduled paths")
        if (
            record_trigger != "Create"
            and any(p.path_type == "Scheduled" for p in start.scheduled_paths)
            and not start.requires_change
            and (start.filters or start.filter_formula)
        ):
            self.fail(
                "start",
                "a flow with scheduled paths that runs on update must set "
                "doesRequireRecordChangedToMeetCriteria (run only when a record is updated to meet the conditions)",
            )
        return start

    def _check_prior_state_gate(self, start) -> None:
        """Refuse prior-value checks inside a "only when updated to meet" gate (issue 12 defect 5).

        Documented: with doesRequireRecordChangedToMeetCriteria an update runs the flow only when
        the record did not meet the entry conditions before and meets them now (Salesforce Help,
        "How Entry Conditions Work in Record-Triggered Flows",
        https://help.salesforce.com/s/articleView?id=platform.automate_flow_build_working_with_conditions_record_triggered_flows.htm).
        Not documented: what ISCHANGED / PRIORVALUE / an IsChanged condition mean when the
        conditions are evaluated against the prior version for that check, so the flow's gate
        would depend on a guess. Fail closed.
        """
        if not start.requires_change:
            return
        used = sorted((start.filter_formula.functions if start.filter_formula else set()) & {"ISCHANGED", "PRIORVALUE"})
        if any(cond.operator == "IsChanged" for cond in start.filters):
            used.append("the IsChanged operator")
        if used:
            self.fail(
                "start",
                f"{' and '.join(used)} in the entry conditions together with "
                "doesRequireRecordChangedToMeetCriteria=true: Salesforce does not document how the "
                "prior-version check evaluates them; use state-only conditions (they run the flow when "
                "the record is updated from not meeting them to meeting them)",
            )

    def _scheduled_path(self, sp: ScheduledPathPart, sobject, trigger_type) -> ScheduledPath:
        """One `scheduledPaths` entry, accepted only where Salesforce documents its behaviour.

        Sources: Salesforce Help "Scheduled Paths"
        (https://help.salesforce.com/s/articleView?id=platform.flow_concepts_trigger_scheduled_path.htm):
        a scheduled path runs at a time source (the triggering event or a date/date-time field)
        plus or minus an offset, with a Batch Size setting; Metadata API FlowScheduledPath
        (vendor/salesforce-metadata-api-v66.wsdl). Undocumented corners are refused (fail closed).
        """
        path_type = sp.path_type or "Scheduled"
        name = sp.name or ("AsyncAfterCommit" if path_type == "AsyncAfterCommit" else None)
        if not name:
            self.fail("start", "scheduled path without a name")
        if path_type not in ("AsyncAfterCommit", "Scheduled"):
            self.unsupported(name, f"scheduled path type {path_type!r}")
        batch = sp.max_batch_size
        if batch is not None and path_type == "AsyncAfterCommit":
            # Flow Builder offers Batch Size only on scheduled paths; nothing documents that the
            # Run Asynchronously path honours maxBatchSize, so a flow must not rely on it.
            self.fail_path(
                name,
                "maxBatchSize on an AsyncAfterCommit (Run Asynchronously) path is not documented "
                "as honoured by Salesforce (Batch Size is a scheduled-path setting); remove it, or "
                "move the work to a scheduled path with a batch size",
            )
        size = _int(batch)
        if batch is not None and (size is None or not 1 <= size <= MAX_SCHEDULED_BATCH):
            self.fail_path(
                name,
                f"maxBatchSize {batch!r} must be a whole number from 1 to {MAX_SCHEDULED_BATCH} "
                "(the scheduled path Batch Size range)",
            )
        path = ScheduledPath(name=name, path_type=path_type, connector=sp.connector, max_batch_size=size)
        if path_type == "Scheduled":
            self._schedule(sp, sobject, name, path)
        return path

    def _schedule(self, sp: ScheduledPathPart, sobject, name: str, path: ScheduledPath) -> None:
        unit, number = sp.offset_unit, sp.offset_number
        if unit not in ("Minutes", "Hours", "Days", "Weeks", "Months"):
            self.fail_path(
                name,
                f"offsetUnit {unit!r}: expected Minutes, Hours, Days, Weeks or Months (FlowScheduledPathOffsetUnit)",
            )
        offset = _int(number)
        if offset is None:
            self.fail_path(name, f"offsetNumber {number!r} must be a whole number")
        if offset == 0:
            # The Help page describes an offset before or after the time source; no source found
            # says an offset of 0 is accepted or when such a path would run (see docs/orgsim.md).
            self.fail_path(
                name,
                "offsetNumber 0 is not documented (when such a path runs is not documented); "
                "use an offset of at least 1 (e.g. 1 Minutes after RecordTriggerEvent)",
            )
        path.offset_unit, path.offset_number = unit, offset
        source = sp.time_source
        if source == "RecordField":
            path.time_source = source
            field = sp.record_field
            self.field(sobject, field, name)
            fdef = sobject.field(field)
            if fdef.type not in ("date", "datetime"):
                self.fail(name, f"scheduled path time source {field} is not a date or date/time field")
            path.record_field = fdef.name
        elif source == "RecordTriggerEvent":
            path.time_source = source
            if offset < 0:
                self.fail_path(
                    name,
                    "a negative offset (before) the triggering event cannot be scheduled; "
                    "offsets before the time source are for RecordField paths",
                )
        else:
            self.fail_path(name, f"timeSource {source!r}: expected RecordTriggerEvent or RecordField")

    def fail_path(self, path: str, message: str) -> NoReturn:
        raise MetadataError(message, where=f"flow {self.name}, scheduled path {path}")

    # -- checks -------------------------------------------------------------------------------------
    def _check_graph(self) -> None:
        flow = self.flow
        names = set(flow.elements)

        def check(target, element):
            if target and target not in names:
                self.fail(element, f"connector goes to {target!r}, which is not an element of this flow")

        check(self.start.connector, "start")
        for sp in self.start.scheduled_paths:
            check(sp.connector, sp.name)
        for element in flow.elements.values():
            check(element.connector, element.name)
            check(element.fault_connector, element.name)
            for rule in element.spec if element.kind == "decisions" else []:
                check(rule.connector, element.name)
            if element.kind == "loops":
                check(element.spec.next_value, element.name)
                check(element.spec.no_more_values, element.name)
            check(getattr(element, "default", None), element.name)
        if self.start.trigger_type == "RecordBeforeSave":
            for element in flow.elements.values():
                if element.kind not in ("assignments", "decisions", "recordLookups", "loops", "customErrors"):
                    self.fail(
                        element.name,
                        f"before-save flows can only use assignments, decisions and Get Records, not {element.kind}",
                    )

    def _check_ref(self, path: str, element: str) -> None:
        parts = path.split(".")
        head = parts[0]
        start = self.start
        try:
            if head in ("$Record", "$Record__Prior"):
                if head == "$Record__Prior" and start.record_trigger_type == "Create":
                    self.fail(element, "$Record__Prior is only available in flows that run on update")
                if len(parts) > 1:
                    check_field_path(self.org, self.org.schema.get(start.object), parts[1:])
                return
            if head == "$Flow":
                if len(parts) != 2 or parts[1] not in FLOW_GLOBALS:
                    self.unsupported(element, f"global variable {path}")
                return
            if head == "$User":
                if len(parts) < 2:
                    self.fail(element, "$User needs a field")
                check_field_path(self.org, self.org.schema.get("User"), parts[1:])
                return
            if head.startswith("$"):
                self.unsupported(element, f"global variable {path}")
            resource = self.resources.get(head.lower())
            if resource is None:
                self.fail(element, f"reference {path!r}: no resource or element named {head!r}")
            kind, info = resource
            rest = parts[1:]
            if not rest:
                return
            if kind == "variable" and info.data_type == "SObject" and not info.is_collection:
                check_field_path(self.org, self.org.schema.get(info.object_type), rest)
            elif kind == "records" and info[1]:
                check_field_path(self.org, self.org.schema.get(info[0]), rest)
            elif kind == "loop":
                return  # the current item: its fields are checked when the collection's type is known at run time
            elif kind == "model":
                if self.org.connector.model_field(info, rest[0]) is None:
                    self.fail(element, f"reference {path!r}: {info} has no field {rest[0]!r}")
            else:
                self.fail(element, f"reference {path!r}: {head} has no fields")
        except (UnknownField, UnknownObject) as exc:
            self.fail(element, f"reference {path!r}: {exc}")

    def _check_target(self, path: str, element: str) -> None:
        head = path.split(".")[0]
        if head == "$Record":
            self._check_ref(path, element)
            return
        resource = self.resources.get(head.lower())
        if resource is None or resource[0] != "variable":
            self.fail(element, f"cannot assign to {path!r}: not a variable")
        self._check_ref(path, element)


MAX_SCHEDULED_BATCH = 200  # scheduled path Batch Size: 1..200, default 200 (Flow Builder, Advanced Options)


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def load_flow(org, comp) -> FlowDef:
    return FlowLoader(org, comp.name, comp.where).load(comp.element)
