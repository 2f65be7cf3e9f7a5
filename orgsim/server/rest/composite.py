"""/composite/sobjects: create, update and delete up to 200 records per request (allOrNone)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from orgsim.server.context import ServerContext, api_version, json_body
from orgsim.server.errors import bad_request
from orgsim.server.orgapi import OrgApi
from orgsim.server.records import save_result_json, strip_attributes

MAX_RECORDS = 200


def _records(body, *, need_id: bool) -> tuple[bool, list[tuple[str, dict]]]:
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise bad_request("JSON_PARSER_ERROR", "Request body must be an object with a 'records' array")
    records = body["records"]
    if not records:
        raise bad_request("INVALID_INPUT", "records: the list must not be empty")
    if len(records) > MAX_RECORDS:
        raise bad_request(
            "EXCEEDED_ID_LIMIT",
            f"record limit reached. cannot submit more than {MAX_RECORDS} records in this operation",
        )
    out = []
    for index, rec in enumerate(records):
        if not isinstance(rec, dict):
            raise bad_request("JSON_PARSER_ERROR", f"records[{index}] is not an object")
        attributes = rec.get("attributes")
        if attributes is not None and not isinstance(attributes, dict):
            raise bad_request("JSON_PARSER_ERROR", f"records[{index}].attributes must be an object with a type")
        sobject = (attributes or {}).get("type")
        if sobject is not None and not isinstance(sobject, str):
            raise bad_request(
                "JSON_PARSER_ERROR", f"records[{index}].attributes.type must be a string (an sObject name)"
            )
        if not sobject:
            raise bad_request("INVALID_INPUT", f"records[{index}]: attributes.type is required to identify the sObject")
        fields = strip_attributes(rec)
        if need_id and not fields.get("Id"):
            raise bad_request("MISSING_ARGUMENT", f"records[{index}]: Id not specified in an update call", ["Id"])
        if not need_id and fields.get("Id"):
            raise bad_request("INVALID_FIELD", f"records[{index}]: cannot specify Id in an insert call", ["Id"])
        out.append((sobject, fields))
    return bool(body.get("allOrNone", False)), out


def _group(records: list[tuple[str, dict]]) -> list[tuple[str, list[int]]]:
    """Consecutive runs of one type, like Salesforce's chunking of a mixed collection."""
    groups: list[tuple[str, list[int]]] = []
    for index, (sobject, _) in enumerate(records):
        if groups and groups[-1][0].lower() == sobject.lower():
            groups[-1][1].append(index)
        else:
            groups.append((sobject, [index]))
    return groups


def routes(ctx: ServerContext, gate) -> list[Route]:
    api = OrgApi(ctx.org, ctx.permsets)

    async def collection(request: Request) -> JSONResponse:
        api_version(request)
        if request.method == "DELETE":
            ids = [i for i in (request.query_params.get("ids") or "").split(",") if i]
            if not ids:
                raise bad_request("MISSING_ARGUMENT", "ids: at least one Id is required")
            if len(ids) > MAX_RECORDS:
                raise bad_request(
                    "EXCEEDED_ID_LIMIT",
                    f"record limit reached. cannot submit more than {MAX_RECORDS} records in this operation",
                )
            all_or_none = (request.query_params.get("allOrNone") or "false").lower() == "true"
            results = await ctx.gateway.call(api.delete_any, ids, all_or_none)
            return JSONResponse([_shape(save_result_json(r)) for r in results])
        updating = request.method == "PATCH"
        all_or_none, records = _records(await json_body(request), need_id=updating)
        results = await ctx.gateway.call(_save_all, api, records, all_or_none, updating)
        return JSONResponse([_shape(save_result_json(r)) for r in results])

    return [
        Route("/services/data/v{version}/composite/sobjects", gate(collection), methods=["POST", "PATCH", "DELETE"])
    ]


def _save_all(api: OrgApi, records: list[tuple[str, dict]], all_or_none: bool, updating: bool) -> list:
    """One call into the core per type run; with several types and allOrNone the core's
    transaction API must cover them all, so mixed-type allOrNone is refused rather than faked."""
    groups = _group(records)
    if all_or_none and len(groups) > 1:
        raise bad_request("INVALID_INPUT", "orgsim supports allOrNone only for collections of a single sObject type")
    results: list = [None] * len(records)
    for sobject, indexes in groups:
        canonical = api.canonical_name(sobject)
        batch = [records[i][1] for i in indexes]
        saved = api.update(canonical, batch, all_or_none) if updating else api.insert(canonical, batch, all_or_none)
        for i, result in zip(indexes, saved):
            results[i] = result
    return results


def _shape(data: dict) -> dict:
    """Collections report errors as {statusCode, message, fields}, no `created` key."""
    return {"id": data["id"], "success": data["success"], "errors": data["errors"]}
