"""A deploy job: checks, then the core's deploy (or check-only), recorded as a DeployResult.

Deploys run to completion inside the request that starts them (on the org's gateway thread),
so the first status poll already sees `Succeeded` or `Failed` — clients that poll every few
seconds (CumulusCI's REST deploy sleeps 5 s between polls) never wait.
Rollback-on-error is always on: one failure and nothing is deployed, as in production orgs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
import zipfile
from dataclasses import dataclass, field

from orgsim.metadata.zipread import ZipRefused, read_entries
from orgsim.server.deploy import checks
from orgsim.server.deploy.checks import Failure
from orgsim.server.deploy.components import component_of, split_root
from sfmeta.xml import parse, qualified


@dataclass
class DeployJob:
    id: str
    check_only: bool
    options: dict
    created: str
    status: str = "Pending"
    completed: str | None = None
    components: list[tuple[str, str, str]] = field(default_factory=list)  # (fileName, type, fullName)
    failures: list[Failure] = field(default_factory=list)
    error_message: str | None = None  # a failure of the whole request (not a component)
    error_status_code: str | None = None

    @property
    def success(self) -> bool:
        return self.status == "Succeeded"


def _now() -> str:
    now = dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"


class DeployJobs:
    def __init__(self):
        self._lock = threading.Lock()
        self._jobs: dict[str, DeployJob] = {}
        self._seq = itertools.count(1)

    def new(self, check_only: bool, options: dict) -> DeployJob:
        job = DeployJob(id=f"0Af8d{next(self._seq):010d}AAA", check_only=check_only, options=options, created=_now())
        with self._lock:
            self._jobs[job.id] = job
        return job

    def get(self, job_id: str) -> DeployJob | None:
        with self._lock:
            return self._jobs.get(job_id) or self._jobs.get(job_id[:15] + "AAA" if len(job_id) == 15 else job_id)


def run(
    job: DeployJob, org, zip_bytes: bytes, permsets=None, deploy_checks: tuple[checks.DeployCheck, ...] = ()
) -> DeployJob:
    """Runs on the gateway thread. Never raises for bad input: the job records what failed."""
    from orgsim.errors import OrgError

    job.status = "InProgress"
    try:
        # Unsafe names (`..`, absolute paths) and zip bombs are refused before anything is
        # inflated or written anywhere (orgsim/metadata/zipread.py).
        files = read_entries(zip_bytes)
    except zipfile.BadZipFile as exc:
        return _finish(job, error=("INVALID_ZIP", f"the deploy file is not a valid zip archive: {exc}"))
    except ZipRefused as exc:
        if exc.entry is None:
            return _finish(job, error=("INVALID_ZIP", exc.problem))
        job.failures = [Failure(exc.entry, exc.problem)]
        return _finish(job)
    prefix, relative_names = split_root(sorted(files))
    relative = {name[len(prefix) :]: files[name] for name in files if name.startswith(prefix)}
    if "package.xml" not in relative:
        return _finish(job, error=("INVALID_PACKAGE", "No package.xml found"))
    for name in sorted(relative):
        comp = component_of(name)
        if comp is not None:
            job.components.append((prefix + name, *comp))
    failures = checks.well_formed(relative, prefix)
    if not failures:
        failures = checks.safe_component_names(relative, prefix)
    if not failures:
        failures = checks.injected(relative, prefix, org, deploy_checks)
    if not failures:
        try:
            org.deploy_zip(zip_bytes, check_only=True)
            if not job.check_only:
                org.deploy_zip(zip_bytes, check_only=False)
                if permsets is not None:
                    permsets.register_deployed(_permission_sets(relative))
        except OrgError as exc:
            failures = [_core_failure(exc, prefix)]
    job.failures = failures
    return _finish(job)


def _permission_sets(files: dict[str, bytes]) -> list[tuple[str, str]]:
    """(Name, Label) of each permission set in the zip, for the PermissionSet records."""
    out = []
    for name, data in sorted(files.items()):
        if name.startswith("permissionsets/") and name.endswith(".permissionset"):
            full_name = name.rsplit("/", 1)[1][: -len(".permissionset")]
            root = parse(data)
            label = root.findtext(qualified("label")) or full_name
            out.append((full_name, label))
    return out


def _core_failure(exc, prefix: str) -> Failure:
    """The core names where a problem is as `file[:line]` or `flow NAME, element X`."""
    where = getattr(exc, "where", None) or ""
    message = str(exc)
    if where and message.startswith(where + ": "):
        message = message[len(where) + 2 :]
    flow = re.fullmatch(r"flow (\w+)(?:, element (.+))?", where)
    if flow:
        element = f"element {flow.group(2)}: " if flow.group(2) else ""
        return Failure(f"{prefix}flows/{flow.group(1)}.flow", element + message)
    file_name, _, line = where.partition(":")
    if not file_name or " " in file_name:
        return Failure(f"{prefix}package.xml", f"{where}: {message}" if where else message)
    return Failure(prefix + file_name, message, int(line) if line.isdigit() else None)


def _finish(job: DeployJob, error: tuple[str, str] | None = None) -> DeployJob:
    if error:
        job.error_status_code, job.error_message = error
    job.status = "Failed" if (error or job.failures) else "Succeeded"
    job.completed = _now()
    return job
