"""`deploy_source`: CumulusCI's `deploy`, fed by our offline SFDX converter, with legible errors.

Everything the built-in task does stays (options, SOAP Metadata API, status polling,
check-only, test levels); three things change:

* an SFDX folder is converted in Python (`pipeline.mdapi`), so no Salesforce CLI is needed,
  and the converted copy can carry flows as Draft (`flow_status`) for the production
  sequence without touching the source;
* `rest_deploy: True` uses `pipeline.mdapi.rest_deploy` (all-or-nothing) instead of
  CumulusCI's REST deploy, which can leave a sandbox half-deployed;
* a failed deploy is read back (component failures and Apex test failures), mapped to the
  source file and line, logged one line per problem, and written as JSON to the file named
  by `failure_report` (or the SFPAY_DEPLOY_REPORT environment variable) for `sfpay deploy`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cumulusci.core.exceptions import CumulusCIFailure, TaskOptionsError
from cumulusci.salesforce_api.exceptions import MetadataApiError
from cumulusci.tasks.salesforce.Deploy import Deploy

from pipeline.deploy_errors import REPORT_ENV, ComponentFailure, DeployReport, report_from_response
from pipeline.mdapi.convert import Conversion, ConversionError, convert_source
from pipeline.mdapi.rest_deploy import AllOrNothingRestDeploy

FLOW_STATUSES = ("Active", "Draft")


class DeploySource(Deploy):
    task_docs = """
Deploys an SFDX source folder (default ``force-app``) with the Metadata API. Converts the
source offline; ``flow_status: Draft`` deploys every flow as a new inactive version (activate
them afterwards with ``activate_flow``). Component failures are reported against the source
files and written to ``failure_report`` as JSON.
"""

    task_options = {
        **Deploy.task_options,
        "flow_status": {
            "description": "Active or Draft: the <status> every flow is deployed with. Default: as in the source.",
        },
        "failure_report": {
            "description": "File to write the failures of a failed deploy to, as JSON. "
            f"Default: the {REPORT_ENV} environment variable, if set.",
        },
    }

    conversion: Conversion | None = None

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        status = self.options.get("flow_status")
        if status in (None, "", "None"):
            self.options["flow_status"] = None
        elif status not in FLOW_STATUSES:
            raise TaskOptionsError(f"flow_status must be one of {', '.join(FLOW_STATUSES)}, not {status!r}")
        if self.rest_deploy:
            # Our REST deploy instead of CumulusCI's: all-or-nothing (see pipeline.mdapi.rest_deploy).
            self.rest_deploy = False
            self.api_class = AllOrNothingRestDeploy

    def _project_root(self) -> Path:
        return Path(self.project_config.repo_root or os.getcwd())

    def _get_api(self, path=None):
        source = Path(path or self.options["path"])
        if not source.is_absolute():
            source = self._project_root() / source
        if (source / "package.xml").exists():
            if self.options["flow_status"]:
                raise TaskOptionsError(
                    f"flow_status works on SFDX source; {source} is already in Metadata API "
                    "format (it has a package.xml)"
                )
            return super()._get_api(str(source))
        api_version = str(self.project_config.project__package__api_version)
        with tempfile.TemporaryDirectory(prefix="sfpay-mdapi-") as tmp:
            mdapi = Path(tmp) / "src"
            try:
                self.conversion = convert_source(
                    source,
                    mdapi,
                    api_version,
                    flow_status=self.options["flow_status"],
                    display_root=self._project_root(),
                )
            except ConversionError as exc:
                self._write_report(
                    DeployReport(
                        status="Failed",
                        test_failures=[],
                        component_failures=[ComponentFailure(problem=exc.problem, source=str(exc.path))],
                    )
                )
                raise CumulusCIFailure(f"Cannot convert {exc.path}: {exc.problem}") from None
            count = sum(len(members) for members in self.conversion.members.values())
            verb = "Validating (check only)" if self.check_only else "Deploying"
            flows = f", flows as {self.options['flow_status']}" if self.options["flow_status"] else ""
            self.logger.info(f"{verb} {count} components from {source.name}{flows}")
            return super()._get_api(str(mdapi))

    def _run_task(self):
        try:
            return super()._run_task()
        except MetadataApiError as exc:
            report = report_from_response(getattr(exc, "response", None))
            if report is None:
                report = DeployReport(
                    status="Failed",
                    component_failures=[],
                    test_failures=[],
                    error_message=str(exc) or type(exc).__name__,
                )
            self._locate(report)
            report.check_only = self.check_only
            self._write_report(report)
            for line in report.lines():
                self.logger.error(line)
            raise CumulusCIFailure(self._summary(report)) from None

    def _locate(self, report: DeployReport) -> None:
        if self.conversion is None:
            return
        for failure in report.component_failures:
            source, line = self.conversion.locate(
                failure.component_type, failure.full_name, failure.file_name, failure.line
            )
            if source is not None:
                failure.source = str(source)
                failure.source_line = line

    @staticmethod
    def _summary(report: DeployReport) -> str:
        parts = []
        if report.component_failures:
            parts.append(f"{len(report.component_failures)} component error(s)")
        if report.test_failures:
            parts.append(f"{len(report.test_failures)} Apex test failure(s)")
        detail = ", ".join(parts) or (report.error_message or "no details returned")
        return f"Deploy failed: {detail}. Nothing was changed in the org."

    def _write_report(self, report: DeployReport) -> None:
        target = self.options.get("failure_report") or os.environ.get(REPORT_ENV)
        if target:
            report.write(Path(target))
