"""Errors of the emulated org.

`OrgError` is for the caller's mistakes (unknown object, bad metadata): it carries what was
expected and where, and the command line prints it without a traceback. Per-record save errors
are not exceptions: they come back in `SaveResult.errors`, shaped like the REST API.
"""

from __future__ import annotations


class OrgError(Exception):
    """A user-facing error: message says what and where."""

    def __init__(self, message: str, *, status_code: str = "INVALID_INPUT", where: str | None = None):
        self.status_code = status_code
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class UnknownObject(OrgError):
    def __init__(self, name: str):
        super().__init__(f"sObject type '{name}' is not supported.", status_code="INVALID_TYPE")
        self.name = name


class UnknownField(OrgError):
    def __init__(self, sobject: str, field: str):
        super().__init__(f"No such column '{field}' on entity '{sobject}'.", status_code="INVALID_FIELD")
        self.sobject = sobject
        self.field = field


class MetadataError(OrgError):
    """Deployed metadata the emulator cannot load (fails closed, naming file and element)."""

    def __init__(self, message: str, *, where: str | None = None):
        super().__init__(message, status_code="INVALID_METADATA", where=where)


class UnsupportedFlowFeature(MetadataError):
    """A flow uses something the interpreter does not implement: refused at load time."""

    def __init__(self, flow: str, element: str, what: str):
        super().__init__(f"unsupported {what}", where=f"flow {flow}, element {element}")
        self.flow = flow
        self.element = element
        self.what = what
