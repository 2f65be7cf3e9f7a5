"""What every check reports: one finding per problem, with a location and a fix hint."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class Finding(NamedTuple):
    rule_id: str
    severity: Severity
    file: str  # path relative to the directory `sfpay validate` was pointed at
    line: int  # 1-based; 0 when the problem is about the whole file
    message: str
    hint: str = ""

    def sort_key(self):
        return (self.file, self.line, self.rule_id, self.message)

    def to_dict(self) -> dict:
        data = self._asdict()
        data["severity"] = self.severity.value
        return data
