"""Formula contexts over one record: validation rules (bare field names) and flow entry
formulas (`{!$Record.Field}`, `{!$Record__Prior.Field}`, ISCHANGED/PRIORVALUE)."""

from __future__ import annotations

from orgsim.flows.records import field_path
from orgsim.formula.values import FormulaRuntimeError


class RecordFormulaContext:
    def __init__(self, org, sobject, record: dict, prior: dict | None):
        self.org = org
        self.sobject = sobject
        self.record = record
        self.prior_record = prior

    def _split(self, path: str):
        parts = path.split(".")
        head = parts[0]
        if head == "$Record":
            return self.record, parts[1:]
        if head == "$Record__Prior":
            return self.prior_record, parts[1:]
        if head.startswith("$"):
            if head == "$Flow" and parts[1:] == ["CurrentDateTime"]:
                return None, None
            raise FormulaRuntimeError(f"{path} is not available here")
        return self.record, parts

    def resolve(self, path: str):
        if path == "$Flow.CurrentDateTime":
            return self.org.clock.now()
        record, parts = self._split(path)
        return field_path(self.org, self.sobject, record, parts)

    def prior(self, path: str):
        record, parts = self._split(path)
        return field_path(self.org, self.sobject, self.prior_record, parts)

    def is_new(self) -> bool:
        return self.prior_record is None

    def now(self):
        return self.org.clock.now()
