"""SOAP Metadata API at /services/Soap/m/XX.X[/orgId]: `deploy` and `checkDeployStatus`, what
CumulusCI's default deploy (ApiDeploy) calls; the retrieve calls go to orgsim/server/retrieve.py. Session id travels in the SessionHeader."""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from orgsim.server import retrieve
from orgsim.server.config import API_VERSIONS
from orgsim.server.context import ServerContext
from orgsim.server.deploy import jobs as jobs_module
from orgsim.server.deploy.rest import jobs_of
from orgsim.server.deploy.results import deploy_result_xml
from orgsim.server.errors import soap_fault
from orgsim.server.metadata_soap import metadata_envelope as _envelope
from orgsim.server.soap_login import child_text, parse_envelope


def _session_id(body: bytes) -> str | None:
    from lxml import etree

    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError:
        return None
    found = root.xpath("//*[local-name()='SessionHeader']/*[local-name()='sessionId']")
    return (found[0].text or "").strip() if found else None


def routes(ctx: ServerContext, gate) -> list[Route]:
    jobs = jobs_of(ctx)

    async def metadata(request: Request) -> Response:
        if request.path_params["version"] not in API_VERSIONS:
            return soap_fault(
                "UNSUPPORTED_API_VERSION", f"API version {request.path_params['version']} is not supported"
            )
        body = await request.body()
        token = _session_id(body)
        if not token or ctx.sessions.verify(token) is None:
            return soap_fault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session")
        call = parse_envelope(body)
        if call is None:
            return soap_fault("INVALID_SOAP", "the request is not a SOAP envelope")
        name = call.tag.rsplit("}", 1)[-1]
        if name == "deploy":
            return await deploy(call)
        if name in retrieve.CALLS:  # retrieve shares the endpoint (orgsim/server/retrieve.py)
            return await retrieve.handle(ctx, name, call, request.path_params["version"])
        if name == "checkDeployStatus":
            job = jobs.get(child_text(call, "asyncProcessId") or "")
            if job is None:
                return soap_fault("INVALID_ID_FIELD", "invalid asyncProcessId")
            return _envelope("checkDeployStatus", deploy_result_xml(job, ctx.config.user_id))
        return soap_fault(
            "UNSUPPORTED_CALL",
            f"orgsim's Metadata API supports deploy, checkDeployStatus, retrieve, checkStatus and checkRetrieveStatus, not {name}",
        )

    async def deploy(call) -> Response:
        try:
            zip_bytes = base64.b64decode(child_text(call, "ZipFile") or "", validate=False)
        except (binascii.Error, ValueError):
            return soap_fault("INVALID_ZIP", "ZipFile is not base64")
        options_el = call.xpath("./*[local-name()='DeployOptions']")
        options = {}
        if options_el:
            for el in options_el[0]:
                key = el.tag.rsplit("}", 1)[-1]
                options[key] = (el.text or "").strip()
        job = jobs.new(options.get("checkOnly", "false").lower() == "true", options)
        await ctx.gateway.call(jobs_module.run, job, ctx.org, zip_bytes, ctx.permsets, ctx.deploy_checks)
        return _envelope("deploy", f"<result><done>false</done><id>{job.id}</id><state>Queued</state></result>")

    return [
        Route("/services/Soap/m/{version}", metadata, methods=["POST"]),
        Route("/services/Soap/m/{version}/{org}", metadata, methods=["POST"]),
    ]
