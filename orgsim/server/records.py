"""Between the REST layer and the core: JSON in/out of records and SaveResults, and the
mapping of core exceptions to Salesforce's REST errors. Every assumption the server makes
about the core's Python API sits in this module and `orgapi.py`."""

from __future__ import annotations

from orgsim.server.errors import ApiError


def to_json(value):
    """REST JSON form of a core field value (Decimal, date, datetime -> number/ISO text)."""
    from orgsim.storage.values import to_json as core_to_json

    return core_to_json(value)


def record_json(sobject: str, record: dict, api_version: str) -> dict:
    out = {
        "attributes": {"type": sobject, "url": f"/services/data/v{api_version}/sobjects/{sobject}/{record.get('Id')}"}
    }
    for key, value in record.items():
        out[key] = to_json(value)
    return out


def save_result_json(result) -> dict:
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    return {
        "id": data.get("id"),
        "success": bool(data.get("success")),
        "errors": list(data.get("errors") or []),
        **({"created": data["created"]} if "created" in data else {}),
    }


def first_error(result: dict) -> ApiError:
    """A failed single-record save as the REST error list (status 400), e.g. REQUIRED_FIELD_MISSING."""
    errors = result.get("errors") or [{"statusCode": "UNKNOWN_EXCEPTION", "message": "save failed", "fields": []}]
    err = errors[0]
    return ApiError(
        400, err.get("statusCode", "UNKNOWN_EXCEPTION"), err.get("message", ""), list(err.get("fields") or [])
    )


def multi_error(result: dict) -> list[dict]:
    return [
        {
            "message": e.get("message", ""),
            "errorCode": e.get("statusCode", "UNKNOWN_EXCEPTION"),
            "fields": list(e.get("fields") or []),
        }
        for e in result.get("errors") or []
    ]


def strip_attributes(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "attributes"}
