"""An all-or-nothing deploy through the REST Metadata API (`metadata/deployRequest`).

CumulusCI 4.10's own REST deploy (`cumulusci.salesforce_api.rest_deploy.RestDeploy`) sends
`rollbackOnError: false` and treats any status but `Failed` as success. In a sandbox that
lets a deploy with broken components commit the good ones and report `SucceededPartial` as
a pass: the org ends up half-changed and the pipeline green. This class is the same call
with the guarantees a release pipeline needs:

* `rollbackOnError: true` and `singlePackage: true` (as CumulusCI's SOAP deploy sends), so a
  failing component changes nothing;
* only `Succeeded` is success; `SucceededPartial`, `Failed` and `Canceled` raise, carrying
  the status response so the caller can read component and test failures;
* status polling backs off from 1 s to 10 s (long production test runs) instead of a fixed 5 s.

It raises CumulusCI's own exception types, so flows and `sfpay deploy` treat it like the
built-in task.
"""

from __future__ import annotations

import base64
import json
import time
import uuid

import requests
from cumulusci.salesforce_api.exceptions import MetadataApiError, MetadataComponentFailure

POLL_START_S = 1.0
POLL_MAX_S = 10.0
TIMEOUT = (30, 300)  # connect, read seconds
RUNNING = ("Pending", "InProgress", "Canceling")


class AllOrNothingRestDeploy:
    def __init__(
        self,
        task,
        package_zip: str,
        purge_on_delete=None,
        check_only: bool = False,
        test_level: str | None = None,
        run_tests: list[str] | None = None,
    ):
        assert package_zip, "package_zip must not be empty"
        self.task = task
        self.package_zip = package_zip
        self.check_only = bool(check_only)
        self.test_level = test_level
        self.run_tests = list(run_tests or [])
        self.api_version = task.project_config.project__package__api_version

    @property
    def _base(self) -> str:
        return (
            f"{self.task.org_config.instance_url.rstrip('/')}/services/data/v{self.api_version}/metadata/deployRequest"
        )

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.task.org_config.access_token}"}

    def deploy_options(self) -> dict:
        options: dict[str, object] = {
            "allowMissingFiles": False,
            "autoUpdatePackage": False,
            "checkOnly": self.check_only,
            "ignoreWarnings": True,
            "performRetrieve": False,
            "purgeOnDelete": False,
            "rollbackOnError": True,
            "singlePackage": True,
        }
        if self.test_level:
            options["testLevel"] = self.test_level
        if self.test_level == "RunSpecifiedTests":
            options["runTests"] = self.run_tests
        return {"deployOptions": options}

    def __call__(self):
        boundary = uuid.uuid4().hex
        body = b"".join(
            [
                f"--{boundary}\r\n".encode(),
                b'Content-Disposition: form-data; name="json"\r\nContent-Type: application/json\r\n\r\n',
                json.dumps(self.deploy_options()).encode(),
                b"\r\n",
                f"--{boundary}\r\n".encode(),
                b'Content-Disposition: form-data; name="file"; filename="deploy.zip"\r\n'
                b"Content-Type: application/zip\r\n\r\n",
                base64.b64decode(self.package_zip),
                b"\r\n",
                f"--{boundary}--\r\n".encode(),
            ]
        )
        headers = {**self._headers(), "Content-Type": f"multipart/form-data; boundary={boundary}"}
        response = requests.post(self._base, headers=headers, data=body, timeout=TIMEOUT)
        if response.status_code != 201:
            raise MetadataApiError(
                f"Deploy request refused (HTTP {response.status_code}): {response.text[:500]}", response
            )
        deploy_id = response.json()["id"]
        self.task.logger.info(f"Deploy request {deploy_id} accepted{' (check only)' if self.check_only else ''}")
        return self._wait(deploy_id)

    def _wait(self, deploy_id: str):
        url = f"{self._base}/{deploy_id}?includeDetails=true"
        interval = POLL_START_S
        last_progress = None
        while True:
            response = requests.get(url, headers=self._headers(), timeout=TIMEOUT)
            if response.status_code != 200:
                raise MetadataApiError(
                    f"Deploy status check failed (HTTP {response.status_code}): {response.text[:500]}", response
                )
            result = response.json().get("deployResult") or {}
            status = result.get("status")
            progress = (
                status,
                result.get("numberComponentsDeployed"),
                result.get("numberComponentsTotal"),
                result.get("numberTestsCompleted"),
                result.get("numberTestsTotal"),
            )
            if progress != last_progress:
                self.task.logger.info(self._describe(result))
                last_progress = progress
            if status not in RUNNING and result.get("done", True):
                break
            time.sleep(interval)
            interval = min(interval * 1.5, POLL_MAX_S)
        if status == "Succeeded":
            return "Success"
        message = result.get("errorMessage") or f"Deploy finished with status {status}"
        raise MetadataComponentFailure(message, response)

    @staticmethod
    def _describe(result: dict) -> str:
        text = f"[{result.get('status')}]"
        if result.get("numberComponentsTotal"):
            text += f" components {result.get('numberComponentsDeployed', 0)}/{result['numberComponentsTotal']}"
            if result.get("numberComponentErrors"):
                text += f", {result['numberComponentErrors']} error(s)"
        if result.get("numberTestsTotal"):
            text += f"; tests {result.get('numberTestsCompleted', 0)}/{result['numberTestsTotal']}"
        return text
