"""Per-record outcomes of a save, in the REST API's shape."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SaveError:
    status_code: str
    message: str
    fields: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"statusCode": self.status_code, "message": self.message, "fields": list(self.fields)}


@dataclass
class SaveResult:
    id: str | None
    success: bool
    errors: list[dict] = field(default_factory=list)
    created: bool = False

    def to_dict(self) -> dict:
        return {"id": self.id, "success": self.success, "errors": list(self.errors), "created": self.created}


class RecordFailed(Exception):
    """Internal: one record of a batch failed; carries the REST-shaped error."""

    def __init__(self, error: SaveError):
        super().__init__(error.message)
        self.error = error
