"""One flow interview: its variables, element outputs, $Record, and where it is."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from orgsim.dml.coerce import coerce
from orgsim.dml.results import RecordFailed
from orgsim.flows.records import SObjectValue, field_path
from orgsim.formula import coerce_result
from orgsim.formula.values import FormulaRuntimeError, to_text

MAX_STEPS = 2000  # elements one interview may execute (guards loops in a broken graph)


@lru_cache(maxsize=4096)
def _split(path: str) -> tuple[str, str, tuple[str, ...]]:
    """A merge-field path as (head, lower-case head, rest); paths come from the deployed flows,
    so few."""
    parts = path.split(".")
    return parts[0], parts[0].lower(), tuple(parts[1:])


class Interview:
    def __init__(
        self,
        org,
        flow,
        record: dict | None,
        prior: dict | None,
        *,
        guid: str,
        start_element: str | None,
        record_key=None,
        started_at: dt.datetime | None = None,
    ):
        self.org = org
        self.flow = flow
        self.sobject = org.schema.get(flow.start.object)
        self.record = record
        self.prior_record = prior
        self.guid = guid
        self.record_key = record_key
        self.started_at = started_at or org.clock.now()
        self.vars: dict[str, object] = {}
        self.outputs: dict[str, object] = {}
        self.fault_message: str | None = None
        self.current = start_element
        self.status = "running" if start_element else "done"
        self.error: str | None = None
        self.failed_element: str | None = None
        self.steps = 0
        # Values of formula resources while one formula is being evaluated (None otherwise):
        # a formula referenced several times inside one evaluation reads the same unchanged
        # state each time, so it is computed once per evaluation (see resolve).
        self._formula_memo: dict[str, object] | None = None
        for var in flow.variables.values():
            value = None
            if var.default is not None:
                value = self.value(var.default)
            elif var.is_collection:
                value = None
            self.vars[var.name.lower()] = value

    # -- formula context ------------------------------------------------------------------------
    def now(self):
        return self.org.clock.now()

    def is_new(self) -> bool:
        return self.prior_record is None

    def prior(self, path: str):
        if path.startswith("$Record."):
            return self.resolve("$Record__Prior." + path[len("$Record.") :])
        return None

    # -- values ---------------------------------------------------------------------------------
    def value(self, spec):
        if spec is None or spec.kind == "null":
            return None
        if spec.kind == "literal":
            return spec.value
        if spec.kind == "ref":
            return self.resolve(spec.value)
        if spec.kind == "template":
            return self.render(spec.value)
        raise FormulaRuntimeError(f"unknown value kind {spec.kind}")

    def render(self, parts) -> str:
        out = []
        for part in parts:
            if isinstance(part, tuple):
                out.append(to_text(self.resolve(part[1])) or "")
            else:
                out.append(part)
        return "".join(out)

    def resolve(self, path: str):
        head, key, rest = _split(path)
        if head == "$Record":
            return self._walk_record(self.sobject, self.record, rest)
        if head == "$Record__Prior":
            return self._walk_record(self.sobject, self.prior_record, rest)
        if head == "$Flow":
            name = rest[0]
            if name == "FaultMessage":
                return self.fault_message
            if name == "CurrentDateTime":
                return self.org.clock.now()
            if name == "CurrentDate":
                return self.org.clock.now().date()
            if name == "InterviewGuid":
                return self.guid
            if name == "InterviewStartTime":
                return self.started_at
            if name == "CurrentRecord":
                return self.record.get("Id") if self.record else None
            raise FormulaRuntimeError(f"unknown global {path}")
        if head == "$User":
            user = self.org.schema.get("User")
            return field_path(self.org, user, self.org.store.get_row(user, self.org.user_id), rest)
        if key in self.vars:
            return self._walk_value(self.vars[key], rest)
        found = self.flow.lookup.get(key)
        if found is not None:
            kind, res = found
            if kind == "constant":
                return self.value(res)
            if kind == "formula":
                # Formula resources are recalculated each time they are referenced, as in Salesforce.
                return self._formula_value(key, res)
            if kind == "template":
                return self.render(res)
        if key in self.outputs:
            return self._walk_value(self.outputs[key], rest)
        return None  # an element that has not run yet: null, as in Salesforce

    def _formula_value(self, key: str, res):
        """A formula resource's value, computed afresh for each top-level reference. Within
        one evaluation nothing can change the interview's variables, outputs or records (a
        formula only reads), so a resource the formula refers to again (Amount_Major_Units
        twenty times in one amount text) has the same value each time and is computed once.
        Only with a frozen clock: a following clock may move between two reads of NOW()."""
        memo = self._formula_memo
        if memo is None:
            if not self.org.clock.frozen:
                return coerce_result(res.formula.evaluate(self), res.data_type, res.scale)
            self._formula_memo = memo = {}
            try:
                value = memo[key] = coerce_result(res.formula.evaluate(self), res.data_type, res.scale)
            finally:
                self._formula_memo = None
            return value
        if key in memo:
            return memo[key]
        value = memo[key] = coerce_result(res.formula.evaluate(self), res.data_type, res.scale)
        return value

    def _walk_record(self, sobject, record, rest):
        if not rest:
            return SObjectValue(sobject.name, record) if record is not None else None
        return field_path(self.org, sobject, record, rest)

    def _walk_value(self, value, rest):
        if not rest or value is None:
            return value
        if isinstance(value, SObjectValue):
            return field_path(self.org, self.org.schema.get(value.sobject), value, rest)
        if isinstance(value, dict):
            current = value
            for name in rest:
                if not isinstance(current, dict):
                    return None
                found = current.get(name)
                if found is None:  # names are case-insensitive: the last key matching wins
                    lname = name.lower()
                    for k, v in current.items():
                        if k.lower() == lname:
                            found = v
                current = found
            return current
        raise FormulaRuntimeError(f"cannot read {'.'.join(rest)} of a {type(value).__name__}")

    def assign(self, path: str, value) -> None:
        parts = path.split(".")
        head, rest = parts[0], parts[1:]
        if head == "$Record":
            if len(rest) != 1 or self.record is None:
                raise FormulaRuntimeError(f"cannot assign to {path}")
            fdef = self.sobject.field(rest[0])
            self.record[fdef.name] = self._coerce(fdef, value)
            return
        key = head.lower()
        found = self.flow.lookup.get(key)
        var = found[1] if found and found[0] == "variable" else None
        if var is None:
            raise FormulaRuntimeError(f"cannot assign to {path}: not a variable")
        if not rest:
            if var.data_type in ("Number", "Currency") and not var.is_collection and value is not None:
                value = coerce_result(value, "Number", var.scale)
            elif (
                var.data_type == "String" and not var.is_collection and value is not None and not isinstance(value, str)
            ):
                value = to_text(value)
            self.vars[key] = value
            return
        if var.data_type != "SObject" or len(rest) != 1:
            raise FormulaRuntimeError(f"cannot assign to {path}")
        record = self.vars.get(key)
        if record is None:
            record = SObjectValue(var.object_type, {})
            self.vars[key] = record
        if not isinstance(record, dict):  # a record variable holds a record (SObjectValue)
            raise FormulaRuntimeError(f"cannot assign to {path}: {var.name} holds no record")
        fdef = self.org.schema.get(var.object_type).field(rest[0])
        record[fdef.name] = self._coerce(fdef, value)

    @staticmethod
    def _coerce(fdef, value):
        try:
            return coerce(fdef, value)
        except RecordFailed as exc:
            raise FormulaRuntimeError(exc.error.message) from None
