"""SOQL errors in the shape Salesforce reports them (errorCode + message with a caret)."""

from __future__ import annotations


class SoqlError(Exception):
    """A query Salesforce would reject. `error_code` is the REST `errorCode`."""

    def __init__(self, error_code: str, message: str):
        super().__init__(message)
        self.error_code = error_code
        self.message = message

    def as_rest_error(self) -> dict:
        return {"message": self.message, "errorCode": self.error_code}


def located(soql: str, column: int, detail: str) -> str:
    """Salesforce's layout: the query, a caret under the offending column, then the detail."""
    one_line = " ".join(soql.split("\n"))
    caret = " " * max(column - 1, 0) + "^"
    return f"\n{one_line}\n{caret}\nERROR at Row:1:Column:{column}\n{detail}"


def malformed(soql: str, column: int, detail: str) -> SoqlError:
    return SoqlError("MALFORMED_QUERY", located(soql, column, detail))


def invalid_field(soql: str, column: int, detail: str) -> SoqlError:
    return SoqlError("INVALID_FIELD", located(soql, column, detail))


def invalid_type(soql: str, column: int, sobject: str) -> SoqlError:
    return SoqlError(
        "INVALID_TYPE",
        located(
            soql,
            column,
            f"sObject type '{sobject}' is not supported. If you are attempting to use a custom object, "
            "be sure to append the '__c' after the entity name. Please reference your WSDL or the "
            "describe call for the appropriate names.",
        ),
    )
