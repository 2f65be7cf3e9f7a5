"""`install_connector`: install the Stripe connector packages the spec names, by version id.

The spec is the one place the org's setup is written down, so the package versions come from
it (`stripe.packages`: a list of `{name, version_id}` with 04t ids) rather than from a second
list in cumulusci.yml. Installation itself is CumulusCI's `update_dependencies` (it skips a
package already installed at that version or newer).

If the spec names no version ids, the task only checks that the connector namespace is
installed and fails with what to add otherwise: production needs the paid Stripe app, and a
deploy whose flows call `stripeGC__v02_*` actions fails without it. The local org emulates
the connector, so the flows skip this step there (`sfpay_emulated` in the org config).
"""

from __future__ import annotations

import os
from pathlib import Path

from cumulusci.core.exceptions import CumulusCIFailure
from cumulusci.core.utils import process_bool_arg
from cumulusci.tasks.salesforce.update_dependencies import UpdateDependencies


def connector_from_spec(spec_path: Path) -> tuple[str, list[dict]]:
    """(namespace, [{"version_id": ...}, ...]) from the spec."""
    from generator.spec.loader import load_spec

    spec = load_spec(spec_path)
    return spec.stripe.namespace, [{"version_id": package.version_id} for package in spec.stripe.packages]


class InstallConnector(UpdateDependencies):
    task_docs = __doc__

    task_options = {
        **UpdateDependencies.task_options,
        "spec": {
            "description": "The spec file. Default: the project's (sfpay.yml, or sfdx-project.json plugins.sfpay.spec)"
        },
        "verify_only": {
            "description": "True: install nothing, only fail if the connector is missing "
            "(for check-only runs). Default: False"
        },
    }

    def _init_options(self, kwargs):
        root = Path(self.project_config.repo_root or os.getcwd())
        from sfpay.project import configured_spec

        spec = (self.task_config.options or {}).get("spec") or kwargs.get("spec") or configured_spec(root)
        self.namespace, self.spec_dependencies = connector_from_spec(root / spec)
        if self.spec_dependencies:
            kwargs = {**kwargs, "dependencies": self.spec_dependencies}
        else:
            # Nothing to install; keep the parent's option parsing happy with an empty list.
            kwargs = {**kwargs, "dependencies": []}
        super()._init_options(kwargs)

    def _run_task(self):
        if self.spec_dependencies and not process_bool_arg(self.options.get("verify_only", False)):
            return super()._run_task()
        installed = self.org_config.installed_packages
        if self.namespace in installed:
            versions = ", ".join(str(v.number) for v in installed[self.namespace])
            self.logger.info(f"Stripe connector ({self.namespace}) is installed: {versions}.")
            return
        raise CumulusCIFailure(
            f"The Stripe connector (namespace {self.namespace}) is not installed in this org and the spec "
            "names no package versions to install. Install Stripe's Universal Connector and API Extension "
            "from AppExchange, or add their 04t version ids to the spec under stripe.packages."
        )
