"""`connector_access`: the Stripe connector's own permission set for the deploying user.

The connector's actions run as the user whose save started the flow (Salesforce Help,
"Scheduled Paths": "the running user associated with the flow's actions is the user who
originally changed the record"), and the connector's Apex and objects need that user to hold
the connector's permission set, which the connector's setup assistant assigns per user. This
task makes that part of the deploy instead of a forgotten manual step:

- the spec lists the connector's permission sets (`stripe.permission_sets`, names without the
  namespace prefix, as the package installs them): each must exist in the connector's
  namespace (the task fails naming any that does not) and is assigned to the deploying user
  when it is not yet;
- the spec lists none: the task checks which of the connector's permission sets the deploying
  user holds and names them, or warns (naming the user and the spec key) that there are none.

The local org emulates the connector without permission sets, so the deploy flows skip this
step there (`sfpay_emulated`), as they skip `install_connector`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from cumulusci.core.exceptions import CumulusCIFailure
from cumulusci.tasks.salesforce import BaseSalesforceApiTask


@dataclass
class AccessPlan:
    to_assign: list[str] = field(default_factory=list)  # permission set Ids to assign
    missing: list[str] = field(default_factory=list)  # names the spec lists that the org lacks
    held: list[str] = field(default_factory=list)  # connector permission sets the user holds


def plan_access(
    wanted: list[str], existing: dict[str, str], assigned_ids: set[str], held_names: list[str]
) -> AccessPlan:
    """`existing`: connector permission set Name -> Id in the org; `assigned_ids`: Ids the user holds."""
    plan = AccessPlan(held=sorted(held_names))
    for name in wanted:
        if name not in existing:
            plan.missing.append(name)
        elif existing[name] not in assigned_ids:
            plan.to_assign.append(existing[name])
    return plan


def _quoted(values) -> str:
    return ", ".join("'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'" for v in values)


class ConnectorAccess(BaseSalesforceApiTask):
    task_docs = __doc__

    task_options = {
        "spec": {
            "description": "The spec file. Default: the project's (sfpay.yml, or sfdx-project.json plugins.sfpay.spec)"
        },
    }

    def _run_task(self):
        from generator.spec.loader import load_spec
        from pipeline.tasks.generate import _project_spec

        root = Path(self.project_config.repo_root or os.getcwd())
        spec = load_spec(root / (self.options.get("spec") or _project_spec(self.project_config)))
        ns, wanted = spec.stripe.namespace, list(spec.stripe.permission_sets)
        user_id = self.org_config.user_id
        existing = {
            row["Name"]: row["Id"]
            for row in self.sf.query_all(f"SELECT Id, Name FROM PermissionSet WHERE NamespacePrefix = {_quoted([ns])}")[
                "records"
            ]
        }
        assignments = self.sf.query_all(
            f"SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = {_quoted([user_id])}"
        )["records"]
        assigned_ids = {row["PermissionSetId"] for row in assignments}
        held = [name for name, pid in existing.items() if pid in assigned_ids]
        plan = plan_access(wanted, existing, assigned_ids, held)
        if plan.missing:
            raise CumulusCIFailure(
                f"stripe.permission_sets names {', '.join(plan.missing)}, but the org has no such permission set "
                f"in the {ns} namespace (it has: {', '.join(sorted(existing)) or 'none'}). Install the connector, or fix the spec."
            )
        for permission_set_id in plan.to_assign:
            self.sf.PermissionSetAssignment.create({"AssigneeId": user_id, "PermissionSetId": permission_set_id})
        names = sorted(set(held) | {n for n in wanted})
        if names:
            self.logger.info(
                f"Stripe connector permission sets of {self.org_config.username}: {', '.join(names)}"
                + (f" ({len(plan.to_assign)} assigned now)" if plan.to_assign else "")
            )
        else:
            self.logger.warning(
                f"{self.org_config.username} holds no permission set of the {ns} connector. Connector callouts run as "
                f"the user who saves the record: assign the connector's permission set to the users who create and "
                f"edit Opportunities, or list it under stripe.permission_sets in the spec so the deploy assigns it."
            )
        self.return_values = {"held": names, "assigned": len(plan.to_assign)}
