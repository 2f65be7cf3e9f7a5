"""`smoke_check`: after a deploy, ask the org whether it now has what the source says.

Checked through the same APIs an admin's tools use: every custom field in the source is in
the object's describe; every flow the source marks Active runs its latest version
(Tooling `FlowDefinition`, the object `activate_flow` works on); every permission set exists
and, with `check_assignment`, is assigned to the deploying user. All problems are listed
together and the task fails, so a flow run stops red instead of "completing" with a flow
left inactive (`activate_flow` only warns about names it cannot find).
"""

from __future__ import annotations

import os
from pathlib import Path

from cumulusci.core.exceptions import CumulusCIFailure
from cumulusci.core.utils import process_bool_arg
from cumulusci.tasks.salesforce import BaseSalesforceApiTask

from pipeline.source_inventory import inventory


def _quoted(names) -> str:
    return ",".join("'" + name.replace("'", "\\'") + "'" for name in names)


class SmokeCheck(BaseSalesforceApiTask):
    task_docs = __doc__

    task_options = {
        "path": {"description": "The SFDX source folder that was deployed. Default: force-app"},
        "expect_active": {
            "description": "True (default): flows the source marks Active must be active. "
            "False: only check that they exist (after a check-only run, "
            "use no smoke check at all)."
        },
        "check_assignment": {
            "description": "Also require the permission sets to be assigned to the running user. Default: True"
        },
    }

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        self.options["path"] = self.options.get("path") or "force-app"
        self.options["expect_active"] = process_bool_arg(self.options.get("expect_active", True))
        self.options["check_assignment"] = process_bool_arg(self.options.get("check_assignment", True))

    def _run_task(self):
        source = Path(self.options["path"])
        if not source.is_absolute():
            source = Path(self.project_config.repo_root or os.getcwd()) / source
        expected = inventory(source)
        problems: list[str] = []
        problems += self._check_fields(expected.fields)
        problems += self._check_flows(expected.flows)
        problems += self._check_permission_sets(expected.permission_sets)
        self.return_values = {"problems": problems}
        if problems:
            for problem in problems:
                self.logger.error(problem)
            raise CumulusCIFailure(f"Smoke check failed: {len(problems)} problem(s) in the org.")
        counts = (
            f"{sum(len(f) for f in expected.fields.values())} fields, {len(expected.flows)} flows, "
            f"{len(expected.permission_sets)} permission set(s)"
        )
        self.logger.info(f"Smoke check passed: {counts} as deployed.")

    def _check_fields(self, fields: dict[str, list[str]]) -> list[str]:
        problems = []
        for object_name in sorted(fields):
            describe = self.sf.restful(f"sobjects/{object_name}/describe")
            present = {f["name"] for f in describe.get("fields", [])}
            problems += [
                f"Field {object_name}.{name} is not in the org" for name in fields[object_name] if name not in present
            ]
        return problems

    def _check_flows(self, flows: dict[str, str]) -> list[str]:
        if not flows:
            return []
        # The same query activate_flow runs.
        result = self.tooling.query(
            "SELECT Id, ActiveVersion.VersionNumber, LatestVersion.VersionNumber, DeveloperName "
            f"FROM FlowDefinition WHERE DeveloperName IN ({_quoted(sorted(flows))})"
        )
        found = {record["DeveloperName"]: record for record in result["records"]}
        problems = []
        for name, status in sorted(flows.items()):
            record = found.get(name)
            if record is None:
                problems.append(f"Flow {name} is not in the org")
                continue
            if status != "Active" or not self.options["expect_active"]:
                continue
            active = (record.get("ActiveVersion") or {}).get("VersionNumber")
            latest = (record.get("LatestVersion") or {}).get("VersionNumber")
            if active is None:
                problems.append(f"Flow {name} is not active (latest version {latest})")
            elif active != latest:
                problems.append(f"Flow {name} runs version {active}, not the deployed version {latest}")
        return problems

    def _check_permission_sets(self, names: list[str]) -> list[str]:
        if not names:
            return []
        result = self.sf.query(f"SELECT Id, Name FROM PermissionSet WHERE Name IN ({_quoted(names)})")
        ids = {record["Name"]: record["Id"] for record in result["records"]}
        problems = [f"Permission set {name} is not in the org" for name in names if name not in ids]
        if self.options["check_assignment"] and ids:
            # The same query assign_permission_sets runs.
            users = self.sf.query(
                "SELECT Id,(SELECT PermissionSetId FROM PermissionSetAssignments) FROM User "
                f"WHERE Username = {_quoted([self.org_config.username])}"
            )["records"]
            assigned = set()
            for user in users:
                assigned |= {
                    r["PermissionSetId"] for r in (user.get("PermissionSetAssignments") or {}).get("records", [])
                }
            problems += [
                f"Permission set {name} is not assigned to {self.org_config.username}"
                for name, perm_id in sorted(ids.items())
                if perm_id not in assigned
            ]
        return problems
