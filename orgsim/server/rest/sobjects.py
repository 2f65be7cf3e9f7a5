"""/sobjects: describe global, describe, create, retrieve, update, delete, upsert by external id."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from orgsim.server.context import ServerContext, api_version, json_body
from orgsim.server.errors import ApiError, bad_request
from orgsim.server.orgapi import OrgApi
from orgsim.server.records import first_error, record_json, save_result_json, strip_attributes
from orgsim.server.rest import organization


def _object_body(body) -> dict:
    if not isinstance(body, dict):
        raise bad_request("JSON_PARSER_ERROR", "Cannot deserialize instance of sObject from a non-object JSON value")
    return strip_attributes(body)


def routes(ctx: ServerContext, gate) -> list[Route]:
    api = OrgApi(ctx.org, ctx.permsets)
    base = "/services/data/v{version}/sobjects"

    async def describe_global(request: Request) -> JSONResponse:
        v = api_version(request)
        objects = await ctx.gateway.call(api.describe_global)
        return JSONResponse(
            {
                "encoding": "UTF-8",
                "maxBatchSize": 200,
                "sobjects": [_global_entry(d, v) for d in [*objects, organization.DESCRIBE]],
            }
        )

    async def describe(request: Request) -> JSONResponse:
        v = api_version(request)
        name = request.path_params["sobject"]
        if name.lower() == "organization":
            return JSONResponse(organization.DESCRIBE)
        result = await ctx.gateway.call(api.describe, name)
        result = {**result, "urls": _urls(result["name"], v)}
        return JSONResponse(result)

    async def object_info(request: Request) -> JSONResponse:
        v = api_version(request)
        name = request.path_params["sobject"]
        if request.method == "POST":
            return await create(request, v, name)
        result = await ctx.gateway.call(api.describe, name)
        return JSONResponse({"objectDescribe": _global_entry(result, v), "recentItems": []})

    async def create(request: Request, v: str, name: str) -> JSONResponse:
        body = _object_body(await json_body(request))
        if "Id" in body or "id" in body:
            raise bad_request(
                "INVALID_FIELD",
                "Unable to create/update fields: Id. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                ["Id"],
            )
        canonical = await ctx.gateway.call(api.canonical_name, name)
        [result] = await ctx.gateway.call(api.insert, canonical, [body])
        data = save_result_json(result)
        if not data["success"]:
            raise first_error(data)
        return JSONResponse({"id": data["id"], "success": True, "errors": []}, status_code=201)

    async def record(request: Request) -> Response:
        v = api_version(request)
        name, record_id = request.path_params["sobject"], request.path_params["record_id"]
        if name.lower() == "organization":
            if request.method != "GET":
                raise ApiError(
                    405, "METHOD_NOT_ALLOWED", f"HTTP Method '{request.method}' not allowed. Allowed are GET,HEAD"
                )
            return JSONResponse(organization.record(ctx.config, record_id, v))
        canonical = await ctx.gateway.call(api.canonical_name, name)
        if request.method == "GET":
            fields = request.query_params.get("fields")
            wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
            found = await ctx.gateway.call(api.retrieve, canonical, record_id, wanted)
            return JSONResponse(record_json(canonical, found, v))
        if request.method == "PATCH":
            body = _object_body(await json_body(request))
            body.pop("Id", None)
            [result] = await ctx.gateway.call(api.update, canonical, [{**body, "Id": record_id}])
            data = save_result_json(result)
            if not data["success"]:
                raise _not_found_or(data)
            return Response(status_code=204)
        [result] = await ctx.gateway.call(api.delete, canonical, [record_id])
        data = save_result_json(result)
        if not data["success"]:
            raise _not_found_or(data)
        return Response(status_code=204)

    async def by_external_id(request: Request) -> Response:
        v = api_version(request)
        name, field, value = (request.path_params[k] for k in ("sobject", "field", "value"))
        canonical = await ctx.gateway.call(api.canonical_name, name)
        # Only an External ID field (or Id) addresses a record, for every method: a lookup by
        # Name is Salesforce's 404 NOT_FOUND, not a search (issue 14 #15).
        describe = await ctx.gateway.call(api.describe, canonical)
        field_name = _field_name(describe, field)
        if request.method == "GET":
            found = await ctx.gateway.call(api.find_by_external_id, canonical, field_name, value)
            return JSONResponse(record_json(canonical, found, v))
        if request.method == "DELETE":
            found = await ctx.gateway.call(api.find_by_external_id, canonical, field_name, value)
            [result] = await ctx.gateway.call(api.delete, canonical, [found["Id"]])
            data = save_result_json(result)
            if not data["success"]:
                raise first_error(data)
            return Response(status_code=204)
        body = _object_body(await json_body(request))
        if field_name in body and str(body[field_name]) != value:
            raise bad_request(
                "INVALID_FIELD",
                f"The value of {field_name} in the request body does not match the value in the URL",
                [field_name],
            )
        body[field_name] = value
        [result] = await ctx.gateway.call(api.upsert, canonical, field_name, [body])
        data = save_result_json(result)
        if not data["success"]:
            raise first_error(data)
        created = bool(data.get("created"))
        return JSONResponse(
            {"id": data["id"], "success": True, "errors": [], "created": created}, status_code=201 if created else 200
        )

    return [
        Route(base, gate(describe_global), methods=["GET"]),
        Route(base + "/{sobject}", gate(object_info), methods=["GET", "POST"]),
        Route(base + "/{sobject}/describe", gate(describe), methods=["GET"]),
        Route(base + "/{sobject}/describe/", gate(describe), methods=["GET"]),
        Route(base + "/{sobject}/{record_id}", gate(record), methods=["GET", "PATCH", "DELETE"]),
        Route(base + "/{sobject}/{field}/{value:path}", gate(by_external_id), methods=["GET", "PATCH", "DELETE"]),
    ]


def _not_found_or(data: dict) -> ApiError:
    error = first_error(data)
    if error.error_code in ("ENTITY_IS_DELETED", "MALFORMED_ID", "INVALID_CROSS_REFERENCE_KEY") and not data.get("id"):
        return ApiError(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible")
    if error.error_code in ("ENTITY_IS_DELETED",):
        return ApiError(404, "ENTITY_IS_DELETED", error.message or "entity is deleted")
    return error


def _field_name(describe: dict, field: str) -> str:
    for f in describe["fields"]:
        if f["name"].lower() == field.lower():
            if not (f.get("externalId") or f["name"] == "Id"):
                raise ApiError(
                    404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {f['name']}"
                )
            return f["name"]
    raise ApiError(404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {field}")


def _urls(name: str, v: str) -> dict:
    base = f"/services/data/v{v}/sobjects/{name}"
    return {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"}


def _global_entry(describe: dict, v: str) -> dict:
    keys = ("name", "label", "labelPlural", "keyPrefix", "custom", "createable", "updateable", "deletable", "queryable")
    entry = {k: describe.get(k) for k in keys}
    entry["labelPlural"] = entry["labelPlural"] or (entry["label"] or describe["name"]) + "s"
    entry["urls"] = _urls(describe["name"], v)
    return entry
