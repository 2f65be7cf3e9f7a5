"""`check_generated` / `generate_metadata`: the spec renders exactly the committed force-app.

With `check: True` (the pipeline's setting) nothing is written: the task fails, naming the
differing files, when `force-app` is not what the spec renders, so an org never receives
hand-edited or stale metadata. With `check: False` it regenerates `force-app`.

Return values (for later steps, `^^check_generated.<name>`): `flow_names`,
`active_flow_names`, `permission_sets` of the source folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from cumulusci.core.exceptions import CumulusCIFailure
from cumulusci.core.tasks import BaseTask
from cumulusci.core.utils import process_bool_arg

from pipeline.source_inventory import inventory
from pipeline.tasks.sfpay_command import run_sfpay


def _project_spec(project_config) -> Path:
    """The project's own spec, found as every sfpay command finds it (sfpay.project)."""
    from sfpay.project import configured_spec

    root = Path(project_config.repo_root or os.getcwd()).resolve()
    spec = configured_spec(root)
    # Relative to the project when inside it, as a user would write it in cumulusci.yml.
    return spec.relative_to(root) if spec.is_relative_to(root) else spec


class GenerateMetadata(BaseTask):
    task_docs = __doc__

    task_options = {
        "spec": {
            "description": "The spec file. Default: the project's (sfpay.yml, or sfdx-project.json plugins.sfpay.spec)",
            "required": False,
        },
        "path": {"description": "The generated SFDX folder. Default: force-app", "required": False},
        "check": {
            "description": "True: only verify the folder is up to date (default). False: regenerate it.",
            "required": False,
        },
    }

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        self.options["spec"] = self.options.get("spec") or str(_project_spec(self.project_config))
        self.options["path"] = self.options.get("path") or "force-app"
        self.options["check"] = process_bool_arg(self.options.get("check", True))

    def _run_task(self):
        root = Path(self.project_config.repo_root or os.getcwd())
        args = ["generate", "--spec", str(root / self.options["spec"]), "--out", str(root / self.options["path"])]
        if self.options["check"]:
            args.append("--check")
        code = run_sfpay(args, self.logger)
        if code:
            what = "is not what the spec renders" if self.options["check"] else "could not be generated"
            raise CumulusCIFailure(f"{self.options['path']} {what} (sfpay generate exited {code}).")
        self._check_api_version(root / self.options["spec"])
        found = inventory(root / self.options["path"])
        self.return_values = {
            "flow_names": found.flow_names,
            "active_flow_names": found.active_flow_names,
            "permission_sets": found.permission_sets,
        }
        self.logger.info(
            f"{self.options['path']} matches {self.options['spec']}: "
            f"{len(found.flows)} flows, {len(found.permission_sets)} permission set(s)."
        )

    def _check_api_version(self, spec_path: Path) -> None:
        """cumulusci.yml's package api_version is what CumulusCI deploys with; it must be the
        spec's, or the org would receive files of one version under another."""
        from generator.spec.loader import load_spec

        spec_version = str(load_spec(spec_path).api_version)
        project_version = str(self.project_config.project__package__api_version)
        if spec_version != project_version:
            raise CumulusCIFailure(
                f"cumulusci.yml project.package.api_version is {project_version} but {self.options['spec']} "
                f"says api_version {spec_version}: make them equal."
            )
