"""Metadata API retrieve over SOAP, as CumulusCI's `ApiRetrieveUnpackaged` calls it
(cumulusci/salesforce_api/metadata.py): `retrieve` (an AsyncResult with the job id), then
`checkStatus` until `done`, then `checkRetrieveStatus` for the RetrieveResult with the zip.

Sources: retrieve() https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_retrieve.htm,
checkRetrieveStatus() https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_checkretrievestatus.htm
(the zip is returned once, then deleted from the server), RetrieveResult
https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_retrieveresult.htm,
AsyncResult https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_asyncresult.htm.
The guide says `checkStatus()` is not available from API 31.0 for retrieves; CumulusCI 4.x
still sends it, so it is answered (an AsyncResult, `done` true once the job finished).

Only unpackaged retrieves are served: `packageNames` and `specificFiles` are refused with a
fault naming them. The job runs to completion inside the `retrieve` request (on the org's
gateway thread), as deploy jobs do. The SOAP endpoint itself is orgsim/server/deploy/soap.py,
which hands these three calls to `handle`.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import threading
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from starlette.responses import Response

from orgsim.server.context import ServerContext
from orgsim.server.errors import soap_fault
from orgsim.server.metadata_soap import metadata_envelope as _envelope

CALLS = frozenset({"retrieve", "checkStatus", "checkRetrieveStatus"})


@dataclass
class RetrieveJob:
    id: str
    created: str
    zip_bytes: bytes | None = None
    files: list[tuple[str, str, str]] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)
    zip_delivered: bool = False


class RetrieveJobs:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, RetrieveJob] = {}
        self._seq = itertools.count(1)

    def new(self) -> RetrieveJob:
        now = dt.datetime.now(dt.timezone.utc)
        job = RetrieveJob(
            id=f"09S8d{next(self._seq):010d}AAA",
            created=now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        )
        with self._lock:
            self._jobs[job.id] = job
        return job

    def get(self, job_id: str) -> RetrieveJob | None:
        with self._lock:
            return self._jobs.get(job_id)


def _jobs(ctx: ServerContext) -> RetrieveJobs:
    return ctx.extras.setdefault("retrieve_jobs", RetrieveJobs())


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _children(element, name: str) -> list:
    return [c for c in element if _local(c) == name]


def _text(element, name: str) -> str | None:
    found = _children(element, name)
    return (found[0].text or "").strip() if found else None


def _build(org, requested: list[tuple[str, list[str]]], api_version: str):
    from orgsim.metadata.retrieve import build_retrieve

    with org.store.lock:
        deployed = org.deployed.snapshot()
        statuses = {name: flow.status for name, flow in org.metadata.flows.items()}
    return build_retrieve(deployed, requested, statuses, api_version)


async def handle(ctx: ServerContext, name: str, call, version: str) -> Response:
    jobs = _jobs(ctx)
    if name == "retrieve":
        request = _children(call, "retrieveRequest")
        if not request:
            return soap_fault("INVALID_SOAP", "retrieve needs a retrieveRequest")
        request = request[0]
        for unsupported in ("packageNames", "specificFiles"):
            if _children(request, unsupported):
                return soap_fault(
                    "UNSUPPORTED_CALL", f"orgsim serves unpackaged retrieves only; {unsupported} is not supported"
                )
        unpackaged = _children(request, "unpackaged")
        if not unpackaged:
            return soap_fault("INVALID_SOAP", "retrieveRequest has no unpackaged manifest")
        requested = []
        for types in _children(unpackaged[0], "types"):
            type_name = _text(types, "name")
            members = [(m.text or "").strip() for m in _children(types, "members")]
            if not type_name or not members:
                return soap_fault("INVALID_SOAP", "each <types> of the manifest needs a <name> and <members>")
            requested.append((type_name, members))
        api_version = _text(request, "apiVersion") or _text(unpackaged[0], "version") or version
        started = jobs.new()
        output = await ctx.gateway.call(_build, ctx.org, requested, api_version)
        started.zip_bytes, started.files, started.messages = output.zip_bytes, output.files, output.messages
        return _envelope("retrieve", f"<result><done>false</done><id>{started.id}</id><state>Queued</state></result>")

    job = jobs.get(_text(call, "asyncProcessId") or _text(call, "id") or "")
    if job is None:
        return soap_fault("INVALID_ID_FIELD", "invalid asyncProcessId")
    if name == "checkStatus":
        return _envelope("checkStatus", f"<result><done>true</done><id>{job.id}</id><state>Completed</state></result>")
    include_zip = (_text(call, "includeZip") or "true").lower() != "false"
    return _envelope("checkRetrieveStatus", _retrieve_result(job, include_zip, ctx.config.user_id))


def _retrieve_result(job: RetrieveJob, include_zip: bool, user_id: str) -> str:
    properties = "".join(
        "<fileProperties>"
        f"<createdById>{user_id}</createdById><createdDate>{job.created}</createdDate>"
        f"<fileName>{escape(file_name)}</fileName><fullName>{escape(full_name)}</fullName>"
        f"<lastModifiedById>{user_id}</lastModifiedById><lastModifiedDate>{job.created}</lastModifiedDate>"
        f"<manageableState>unmanaged</manageableState><type>{escape(type_name)}</type>"
        "</fileProperties>"
        for file_name, type_name, full_name in job.files
    )
    messages = "".join(
        f"<messages><fileName>{escape(file_name)}</fileName><problem>{escape(problem)}</problem></messages>"
        for file_name, problem in job.messages
    )
    zip_part = ""
    if include_zip and not job.zip_delivered and job.zip_bytes is not None:
        zip_part = f"<zipFile>{base64.b64encode(job.zip_bytes).decode()}</zipFile>"
        job.zip_delivered = True  # "deletes the zip file from the server" once returned
    return (
        f"<result><done>true</done>{properties}<id>{job.id}</id>{messages}"
        f"<status>Succeeded</status><success>true</success>{zip_part}</result>"
    )
