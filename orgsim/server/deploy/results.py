"""DeployResult, rendered for the REST resource (JSON) and the SOAP checkDeployStatus (XML)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from orgsim.server.deploy.jobs import DeployJob


def _failure_components(job: DeployJob) -> list[dict]:
    by_file = {f: (t, n) for f, t, n in job.components}
    out = []
    for failure in job.failures:
        component_type, full_name = by_file.get(failure.file_name, ("", failure.file_name.rsplit("/", 1)[-1]))
        out.append(
            {
                "changed": False,
                "componentType": component_type,
                "created": False,
                "createdDate": job.completed,
                "deleted": False,
                "fileName": failure.file_name,
                "fullName": full_name,
                "id": None,
                "knownPackagingProblem": False,
                "lineNumber": failure.line,
                "columnNumber": failure.column,
                "problem": failure.problem,
                "problemType": failure.problem_type,
                "requiresProductionTestRun": False,
                "success": False,
                "warning": False,
                "forPackageManifestFile": False,
            }
        )
    return out


def _success_components(job: DeployJob) -> list[dict]:
    if not job.success:
        return []
    return [
        {
            "changed": True,
            "componentType": t,
            "created": False,
            "createdDate": job.completed,
            "deleted": False,
            "fileName": f,
            "fullName": n,
            "id": None,
            "knownPackagingProblem": False,
            "problem": None,
            "problemType": None,
            "requiresProductionTestRun": False,
            "success": True,
            "warning": False,
            "forPackageManifestFile": False,
        }
        for f, t, n in job.components
    ]


def deploy_result(job: DeployJob, user_id: str, include_details: bool = True) -> dict:
    failures = _failure_components(job)
    done = job.status in ("Succeeded", "Failed", "Canceled")
    result = {
        "id": job.id,
        "checkOnly": job.check_only,
        "ignoreWarnings": bool(job.options.get("ignoreWarnings")),
        "rollbackOnError": True,
        "status": job.status,
        "done": done,
        "success": job.success,
        "numberComponentsTotal": len(job.components),
        "numberComponentsDeployed": len(job.components) if job.success else 0,
        "numberComponentErrors": len(failures),
        "numberTestsTotal": 0,
        "numberTestsCompleted": 0,
        "numberTestErrors": 0,
        "createdBy": user_id,
        "createdByName": "orgsim Admin",
        "createdDate": job.created,
        "startDate": job.created,
        "lastModifiedDate": job.completed or job.created,
        "completedDate": job.completed,
        "errorMessage": job.error_message,
        "errorStatusCode": job.error_status_code,
        "stateDetail": None,
        "runTestsEnabled": False,
        "canceledBy": None,
        "canceledByName": None,
    }
    if include_details:
        result["details"] = {
            "componentSuccesses": _success_components(job),
            "componentFailures": failures,
            "runTestResult": {
                "numFailures": 0,
                "numTestsRun": 0,
                "totalTime": 0.0,
                "failures": [],
                "successes": [],
                "codeCoverage": [],
                "codeCoverageWarnings": [],
            },
        }
    return result


def _xml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _xml_fields(data: dict, skip: tuple[str, ...] = ()) -> str:
    parts = []
    for key, value in data.items():
        if key in skip or value is None or isinstance(value, (dict, list)):
            continue
        parts.append(f"<{key}>{_xml_value(value)}</{key}>")
    return "".join(parts)


def deploy_result_xml(job: DeployJob, user_id: str) -> str:
    """The <result> of checkDeployStatus (metadata namespace), details included."""
    data = deploy_result(job, user_id)
    details = data["details"]
    inner = "".join(f"<componentFailures>{_xml_fields(c)}</componentFailures>" for c in details["componentFailures"])
    inner += "".join(
        f"<componentSuccesses>{_xml_fields(c)}</componentSuccesses>" for c in details["componentSuccesses"]
    )
    inner += "<runTestResult><numFailures>0</numFailures><numTestsRun>0</numTestsRun><totalTime>0.0</totalTime></runTestResult>"
    return f"<result><details>{inner}</details>{_xml_fields(data)}</result>"
