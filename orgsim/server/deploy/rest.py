"""REST Metadata API deploy: POST /metadata/deployRequest (multipart `json` + `file`), GET its status."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from orgsim.server.context import ServerContext, api_version
from orgsim.server.deploy import jobs as jobs_module
from orgsim.server.deploy.jobs import DeployJobs
from orgsim.server.deploy.results import deploy_result
from orgsim.server.errors import ApiError, bad_request, not_found
from orgsim.server.json_input import JsonInputError
from orgsim.server.json_input import parse as parse_json


def _flag(value) -> bool:
    return value is True or str(value).lower() == "true"


def jobs_of(ctx: ServerContext) -> DeployJobs:
    return ctx.extras.setdefault("deploy_jobs", DeployJobs())


def routes(ctx: ServerContext, gate) -> list[Route]:
    jobs = jobs_of(ctx)

    async def create(request: Request) -> JSONResponse:
        v = api_version(request)
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise bad_request(
                "INVALID_CONTENT_TYPE", "deployRequest needs multipart/form-data with a 'json' part and a 'file' part"
            )
        form = await request.form(max_part_size=256 * 1024 * 1024)
        upload, options_part = form.get("file"), form.get("json")
        if upload is None or isinstance(upload, str):
            raise bad_request("INVALID_INPUT", "the multipart body has no 'file' part with the zip")
        options: dict[str, Any] = {}
        if options_part is not None:
            raw = options_part.encode() if isinstance(options_part, str) else await options_part.read()
            try:
                parsed = parse_json(raw) or {}
            except JsonInputError as exc:
                raise bad_request("JSON_PARSER_ERROR", f"the 'json' part: {exc}") from None
            given = parsed.get("deployOptions") if isinstance(parsed, dict) else None
            given = {} if given is None else given
            if not isinstance(given, dict):
                raise bad_request("JSON_PARSER_ERROR", "the 'json' part is not a JSON object with deployOptions")
            options = given
        if options.get("testLevel") not in (
            None,
            "NoTestRun",
            "RunLocalTests",
            "RunAllTestsInOrg",
            "RunSpecifiedTests",
            "Default",
        ):
            raise bad_request("INVALID_INPUT", f"deployOptions.testLevel: unknown value {options.get('testLevel')!r}")
        job = jobs.new(_flag(options.get("checkOnly")), options)
        zip_bytes = await upload.read()
        await ctx.gateway.call(jobs_module.run, job, ctx.org, zip_bytes, ctx.permsets, ctx.deploy_checks)
        body = {
            "id": job.id,
            "validatedDeployRequestId": None,
            "deployOptions": options,
            "deployResult": deploy_result(job, ctx.config.user_id, include_details=False),
            "url": f"/services/data/v{v}/metadata/deployRequest/{job.id}",
        }
        return JSONResponse(body, status_code=201)

    async def status(request: Request) -> JSONResponse:
        api_version(request)
        job = jobs.get(request.path_params["job_id"])
        if job is None:
            raise not_found()
        include = (request.query_params.get("includeDetails") or "false").lower() == "true"
        return JSONResponse(
            {
                "id": job.id,
                "validatedDeployRequestId": None,
                "deployOptions": job.options,
                "deployResult": deploy_result(job, ctx.config.user_id, include_details=include),
            }
        )

    async def cancel(request: Request) -> JSONResponse:
        job = jobs.get(request.path_params["job_id"])
        if job is None:
            raise not_found()
        raise ApiError(400, "INVALID_STATUS", f"deploy {job.id} is already {job.status} and cannot be canceled")

    base = "/services/data/v{version}/metadata/deployRequest"
    return [
        Route(base, gate(create), methods=["POST"]),
        Route(base + "/{job_id}", gate(status), methods=["GET"]),
        Route(base + "/{job_id}", gate(cancel), methods=["PATCH"]),
    ]
