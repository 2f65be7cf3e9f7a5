"""Salesforce's error bodies: REST `[{"message", "errorCode", ...}]`, OAuth `{"error", ...}`, SOAP faults."""

from __future__ import annotations

from xml.sax.saxutils import escape

from starlette.responses import JSONResponse, Response


class ApiError(Exception):
    """Raised by handlers; rendered as Salesforce's REST error list."""

    def __init__(self, status: int, error_code: str, message: str, fields: list[str] | None = None):
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields = fields

    def body(self) -> list[dict]:
        item: dict = {"message": self.message, "errorCode": self.error_code}
        if self.fields is not None:
            item["fields"] = self.fields
        return [item]

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


def invalid_session() -> ApiError:
    return ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")


def not_found(message: str = "The requested resource does not exist") -> ApiError:
    return ApiError(404, "NOT_FOUND", message)


def bad_request(error_code: str, message: str, fields: list[str] | None = None) -> ApiError:
    return ApiError(400, error_code, message, fields)


def json_parser_error(message: str) -> ApiError:
    return ApiError(400, "JSON_PARSER_ERROR", message)


class OAuthError(Exception):
    """The token endpoint's error shape: 400 {"error": ..., "error_description": ...}."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.error, "error_description": self.description}, status_code=self.status)


def soap_fault(code: str, message: str, status: int = 500, exception_type: str = "UnexpectedErrorFault") -> Response:
    """A SOAP 1.1 fault the way the partner and metadata APIs send it (clients read sf:exceptionCode)."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body><soapenv:Fault>"
        f"<faultcode>sf:{escape(code)}</faultcode><faultstring>{escape(code)}: {escape(message)}</faultstring>"
        f'<detail><sf:{exception_type} xsi:type="sf:{exception_type}">'
        f"<sf:exceptionCode>{escape(code)}</sf:exceptionCode><sf:exceptionMessage>{escape(message)}</sf:exceptionMessage>"
        f"</sf:{exception_type}></detail>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
    return Response(body, status_code=status, media_type="text/xml; charset=utf-8")
