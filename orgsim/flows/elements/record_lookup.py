"""recordLookups (Get Records): one SOQL query per bulk group of interviews."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from orgsim.flows.elements.base import Handler, register
from orgsim.flows.elements.records_common import build_predicate, parse_filters
from orgsim.flows.records import SObjectValue
from orgsim.formula.values import FormulaRuntimeError
from sfmeta.flow_parts import RecordLookup as RecordLookupPart

if TYPE_CHECKING:
    from orgsim.flows.loader import FlowLoader
    from orgsim.flows.model import Element


@dataclass
class LookupSpec:
    object: str
    filters: list
    logic: str | None
    first_only: bool
    store_auto: bool
    output_reference: str | None
    output_assignments: list
    queried_fields: list
    sort_field: str | None
    sort_order: str | None
    null_if_none: bool
    limit: int | None


@register
class RecordLookup(Handler):
    kind = "recordLookups"
    bulk = True
    tags = {
        "object",
        "filters",
        "filterLogic",
        "getFirstRecordOnly",
        "storeOutputAutomatically",
        "outputReference",
        "outputAssignments",
        "queriedFields",
        "sortField",
        "sortOrder",
        "assignNullValuesIfNoRecordsFound",
        "limit",
    }

    def parse_spec(self, loader: FlowLoader, part: RecordLookupPart, element: Element) -> LookupSpec:
        obj = part.object
        sobject = loader.sobject(obj, element.name)
        filters, logic = parse_filters(loader, part.filters, part.filter_logic, element, obj)
        queried = list(part.queried_fields)
        for q in queried:
            loader.field(sobject, q, element.name)
        outputs = []
        for oa in part.output_assignments:
            field, target = oa.field, oa.assign_to_reference
            loader.field(sobject, field, element.name)
            loader.target(target, element.name)
            outputs.append((sobject.field(field).name, target))
        out_ref = part.output_reference
        if out_ref:
            loader.target(out_ref, element.name)
        sort_field = part.sort_field
        if sort_field:
            loader.field(sobject, sort_field, element.name)
        limit = part.limit
        spec = LookupSpec(
            sobject.name,
            filters,
            logic,
            part.get_first_record_only,
            part.store_output_automatically,
            out_ref,
            outputs,
            [sobject.field(q).name for q in queried],
            sort_field,
            part.sort_order,
            part.assign_null_values_if_no_records_found,
            int(limit) if limit else None,
        )
        loader.record_output(element.name, sobject.name, single=spec.first_only, fields=spec.queried_fields or None)
        return spec

    def run(self, runtime, element, interviews):
        spec: LookupSpec = element.spec
        sobject = runtime.org.schema.get(spec.object)
        results = []
        for iv in interviews:
            try:
                predicate = build_predicate(iv, spec.filters, spec.logic)
            except FormulaRuntimeError as exc:
                results.append((iv, exc))
                continue
            order = (
                [(spec.sort_field, "DESC" if (spec.sort_order or "").lower() == "desc" else "ASC")]
                if spec.sort_field
                else None
            )
            limit = 1 if spec.first_only else spec.limit
            fields = ["Id"] + [f for f in (spec.queried_fields or list(sobject.fields)) if f != "Id"]
            rows = runtime.org.store.select(runtime.org.schema, sobject, fields, predicate, order, limit)
            results.append((iv, [SObjectValue(sobject.name, r) for r in rows]))
        # Bulkified: all interviews waiting here share one query (Flow bulkification).
        runtime.count_query(sum(len(r) for _, r in results if isinstance(r, list)))
        for iv, rows in results:
            if isinstance(rows, Exception):
                runtime.fault(iv, element, str(rows))
                continue
            value = (rows[0] if rows else None) if spec.first_only else (rows or None)
            if spec.store_auto:
                iv.outputs[element.name.lower()] = value
            if spec.output_reference:
                iv.assign(spec.output_reference, value)
            if spec.output_assignments and (rows or spec.null_if_none):
                first = rows[0] if rows else {}
                for field, target in spec.output_assignments:
                    iv.assign(target, first.get(field))
            runtime.go(iv, element.connector)
