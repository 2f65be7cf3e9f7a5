"""Test helper (not part of Salesforce): a hand edit in Flow Builder, under /_orgsim/.

`POST /_orgsim/flows/{name}/versions` with a flow's XML (Content-Type application/xml) saves it
as a new version of a deployed flow and makes it the running one, what an admin does with
Flow Builder's "Save As New Version" and "Activate": a changed active flow becomes a new active
version (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_visual_workflow.htm;
a flow version is never overwritten, an update creates a new one:
https://developer.salesforce.com/docs/atlas.en-us.api_tooling.meta/api_tooling/tooling_api_objects_flow.htm). It goes through
the same loader as a deploy, so the version is checked like one and outlives a restart; the
org's retrieve (orgsim/server/retrieve.py) then returns it and counts the version.

orgsim runs one version per flow, so the new version must say `<status>Active</status>`: a
saved-but-inactive version next to an older active one is refused rather than half modelled.
"""

from __future__ import annotations

import io
import re
import zipfile

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from orgsim.server.context import ServerContext
from orgsim.server.errors import ApiError, bad_request
from sfmeta.xml import MD_NS

MAX_FLOW_BYTES = 4 * 1024 * 1024
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")


def _zip_of(name: str, xml: bytes, api_version: str) -> bytes:
    package = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="{MD_NS}">\n'
        f"    <types>\n        <members>{name}</members>\n        <name>Flow</name>\n    </types>\n"
        f"    <version>{api_version}</version>\n</Package>\n"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("package.xml", package)
        archive.writestr(f"flows/{name}.flow", xml)
    return buffer.getvalue()


def _save_version(org, name: str, xml: bytes) -> dict:
    from orgsim.errors import OrgError
    from sfmeta.xml import XmlSyntaxError, parse, text

    if name not in org.metadata.flows:
        raise ApiError(404, "NOT_FOUND", f"no flow named {name!r} is deployed")
    try:
        status = text(parse(xml), "status")
    except XmlSyntaxError as exc:
        raise bad_request("INVALID_XML", f"the flow is not well-formed XML: {exc.message} (line {exc.line})") from None
    if status != "Active":
        raise bad_request(
            "INVALID_STATUS",
            f"the new version says <status>{status}</status>; orgsim runs one version per flow, so a hand edit "
            "must be saved Active (Save As New Version + Activate)",
        )
    try:
        org.deploy_zip(_zip_of(name, xml, "66.0"))
    except OrgError as exc:
        where = getattr(exc, "where", None)
        raise bad_request("INVALID_FLOW", f"{where}: {exc}" if where else str(exc)) from None
    if name in org.store.meta_get("flow_status", {}):
        org.set_flow_status(name, "Active")  # the earlier activation record must not override it on restart
    with org.store.lock:
        version = org.deployed.flow_versions().get(name, 1)
    return {"name": name, "version": version, "status": org.metadata.flows[name].status}


def routes(ctx: ServerContext, gate) -> list[Route]:
    async def save(request: Request) -> JSONResponse:
        name = request.path_params["name"]
        if not _NAME.fullmatch(name):
            raise bad_request("INVALID_FIELD", f"{name!r} is not a flow API name")
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_FLOW_BYTES:
            raise ApiError(413, "REQUEST_TOO_LARGE", f"a flow version is at most {MAX_FLOW_BYTES} bytes")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FLOW_BYTES:
                raise ApiError(413, "REQUEST_TOO_LARGE", f"a flow version is at most {MAX_FLOW_BYTES} bytes")
        if not body.strip():
            raise bad_request("INVALID_XML", "the body must be the flow's XML")
        return JSONResponse(await ctx.gateway.call(_save_version, ctx.org, name, body), status_code=201)

    return [Route("/_orgsim/flows/{name}/versions", gate(save), methods=["POST"])]
