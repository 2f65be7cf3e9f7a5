"""`activate_flows`: activate the flows the source marks Active, and nothing when it marks none.

CumulusCI's `activate_flow` refuses an empty `developer_names` ("you are missing
developer_names"), but a spec with `flows.status: Draft` deploys every flow as Draft on
purpose (an admin activates them later): the deploy must then activate none and go on. The
names come from `^^check_generated.active_flow_names` (pipeline.source_inventory), i.e. the
status each flow file carries.
"""

from __future__ import annotations

from cumulusci.core.utils import process_bool_arg, process_list_arg
from cumulusci.tasks.salesforce import BaseSalesforceApiTask
from cumulusci.tasks.salesforce.activate_flow import ActivateFlow


class ActivateSpecFlows(ActivateFlow):
    task_docs = __doc__

    task_options = {
        "developer_names": {
            "description": "The flows to activate (default: none). Empty: nothing is activated.",
            "required": False,
        },
    }

    def _init_options(self, kwargs) -> None:
        # The parent's _init_options raises on an empty list; take the base class's instead.
        BaseSalesforceApiTask._init_options(self, kwargs)
        self.options["developer_names"] = process_list_arg(self.options.get("developer_names")) or []
        self.options["status"] = process_bool_arg(self.options.get("status", True))
        self.api_version = self.project_config.project__api_version

    def _run_task(self) -> None:
        if not self.options["developer_names"]:
            self.logger.info("no flow is marked Active in the source (flows.status: Draft): nothing to activate.")
            self.return_values: dict[str, list[str]] = {"activated": []}
            return
        super()._run_task()
