"""recordCreates, recordUpdates, recordDeletes: one DML statement per bulk group.

Records of all waiting interviews are saved together through the DML engine, so the save
runs the target object's flows exactly as an API save would. A record that fails faults
only its own interview, with Salesforce's message.
"""

from __future__ import annotations

from dataclasses import dataclass

from orgsim.flows.elements.base import Handler, register
from orgsim.flows.elements.records_common import build_predicate, parse_assignments, parse_filters
from orgsim.flows.model import Condition
from orgsim.formula.values import FormulaRuntimeError
from sfmeta.flow_parts import RecordWrite as RecordWritePart

VERB = {"insert": "create", "update": "update", "delete": "delete"}


def dml_fault_message(op: str, errors: list[dict]) -> str:
    first = errors[0] if errors else {"statusCode": "UNKNOWN_EXCEPTION", "message": "unknown error"}
    return (
        f"This error occurred when the flow tried to {VERB[op]} records: {first['statusCode']}: {first['message']}. "
        "You can look up ExceptionCode values in the SOAP API Developer Guide."
    )


@dataclass
class WriteSpec:
    object: str | None
    input_reference: str | None
    assignments: list
    filters: list
    logic: str | None
    store_auto: bool = False
    assign_id_to: str | None = None


class _RecordWrite(Handler):
    bulk = True

    def effects(self, element) -> frozenset[str]:
        return frozenset({"dml"})

    op = ""

    def parse_spec(self, loader, part: RecordWritePart, element):
        obj, ref = part.object, part.input_reference
        if bool(obj) == bool(ref):
            loader.fail(element.name, "give either <object> with field values or <inputReference>")
        filters: list[Condition] = []
        logic: str | None = None
        assignments = []
        if obj:
            loader.sobject(obj, element.name)
            assignments = parse_assignments(loader, part.input_assignments, element, obj)
            if self.op != "insert":
                filters, logic = parse_filters(loader, part.filters, part.filter_logic, element, obj)
            obj = loader.sobject(obj, element.name).name
        else:
            loader.ref(ref, element.name)
        spec = WriteSpec(
            obj,
            ref,
            assignments,
            filters,
            logic,
            part.store_output_automatically,
            part.assign_record_id_to_reference,
        )
        if spec.assign_id_to:
            loader.target(spec.assign_id_to, element.name)
        if self.op == "insert" and obj and spec.store_auto:
            loader.id_output(element.name)
        return spec

    def run(self, runtime, element, interviews):
        spec: WriteSpec = element.spec
        per_interview = []  # (iv, sobject name, [records or ids])
        queried = [0]  # rows found by filter-based updates/deletes of all interviews
        for iv in interviews:
            try:
                per_interview.append((iv, *self.collect(runtime, iv, spec, queried)))
            except FormulaRuntimeError as exc:
                runtime.fault(iv, element, str(exc))
        if spec.object and self.op != "insert":
            # Bulkified: the records matching every interview's filters are found by one query.
            runtime.count_query(queried[0])
        by_object: dict[str, list] = {}
        for iv, sobject, items in per_interview:
            if sobject:
                by_object.setdefault(sobject, []).extend((iv, item) for item in items)
        failed: dict[int, list] = {}
        for sobject_name, pairs in by_object.items():
            results = runtime.save(self.op, sobject_name, [item for _, item in pairs])
            for (iv, item), result in zip(pairs, results):
                if not result.success:
                    failed.setdefault(id(iv), result.errors)
                elif self.op == "insert":
                    item["Id"] = result.id
        for iv, sobject, items in per_interview:
            if id(iv) in failed:
                runtime.fault(iv, element, dml_fault_message(self.op, failed[id(iv)]))
                continue
            self.after(iv, element, spec, items)
            runtime.go(iv, element.connector)

    def collect(self, runtime, iv, spec, queried):
        raise NotImplementedError

    def after(self, iv, element, spec, items):
        pass


def _matching_ids(org, iv, spec, queried) -> list[str]:
    """Ids of the records an element's filters select for this interview (counted into the group's one query)."""
    rows = org.store.select(
        org.schema, org.schema.get(spec.object), ["Id"], build_predicate(iv, spec.filters, spec.logic)
    )
    queried[0] += len(rows)
    return [row["Id"] for row in rows]


def _records_from(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


@register
class RecordCreate(_RecordWrite):
    kind = "recordCreates"
    op = "insert"
    tags = {"object", "inputAssignments", "inputReference", "storeOutputAutomatically", "assignRecordIdToReference"}

    def collect(self, runtime, iv, spec, queried):
        if spec.object:
            return spec.object, [{field: iv.value(value) for field, value in spec.assignments}]
        records = _records_from(iv.resolve(spec.input_reference))
        sobject = records[0].sobject if records else None
        return sobject, [{k: v for k, v in r.items() if v is not None and k != "Id"} for r in records]

    def after(self, iv, element, spec, items):
        if spec.object:
            new_id = items[0].get("Id") if items else None
            if spec.store_auto:
                iv.outputs[element.name.lower()] = new_id
            if spec.assign_id_to:
                iv.assign(spec.assign_id_to, new_id)
        else:
            for source, saved in zip(_records_from(iv.resolve(spec.input_reference)), items):
                source["Id"] = saved.get("Id")


@register
class RecordUpdate(_RecordWrite):
    kind = "recordUpdates"
    op = "update"
    tags = {"object", "inputAssignments", "inputReference", "filters", "filterLogic"}

    def collect(self, runtime, iv, spec, queried):
        org = runtime.org
        if spec.object:
            values = {field: iv.value(value) for field, value in spec.assignments}
            return spec.object, [{"Id": rid, **values} for rid in _matching_ids(org, iv, spec, queried)]
        records = _records_from(iv.resolve(spec.input_reference))
        if not records:
            return None, []
        sobject = org.schema.get(records[0].sobject)
        stored = org.store.get_rows(sobject, [r["Id"] for r in records if r.get("Id")])
        updates = []
        for r in records:
            current = stored.get(r.get("Id"), {})
            changes = {
                k: v
                for k, v in r.items()
                if k in sobject.fields and sobject.fields[k].updateable and current.get(k) != v
            }
            updates.append({"Id": r.get("Id"), **changes})
        return sobject.name, updates


@register
class RecordDelete(_RecordWrite):
    kind = "recordDeletes"
    op = "delete"
    tags = {"object", "inputReference", "filters", "filterLogic"}

    def collect(self, runtime, iv, spec, queried):
        org = runtime.org
        if spec.object:
            return spec.object, _matching_ids(org, iv, spec, queried)
        records = _records_from(iv.resolve(spec.input_reference))
        return (records[0].sobject if records else None), [r["Id"] for r in records]
