"""`validate_metadata`: `sfpay validate` as a pipeline step (schema, flow rules, cross-file
checks) before anything is sent to an org. Fails the flow on any error finding."""

from __future__ import annotations

import os
from pathlib import Path

from cumulusci.core.exceptions import CumulusCIFailure
from cumulusci.core.tasks import BaseTask
from cumulusci.core.utils import process_bool_arg

from pipeline.tasks.sfpay_command import run_sfpay


class ValidateMetadata(BaseTask):
    task_docs = __doc__

    task_options = {
        "path": {"description": "The SFDX folder to validate. Default: force-app", "required": False},
        "strict": {"description": "Fail on warnings too. Default: False", "required": False},
    }

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        self.options["path"] = self.options.get("path") or "force-app"
        self.options["strict"] = process_bool_arg(self.options.get("strict", False))

    def _run_task(self):
        root = Path(self.project_config.repo_root or os.getcwd())
        args = ["validate", str(root / self.options["path"])]
        if self.options["strict"]:
            args.append("--strict")
        code = run_sfpay(args, self.logger)
        if code:
            raise CumulusCIFailure(f"sfpay validate found problems in {self.options['path']} (exit {code}).")
        self.logger.info(f"{self.options['path']} passed sfpay validate.")
