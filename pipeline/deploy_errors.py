"""Salesforce deploy failures, read from the API's answer and shown against the source files.

Both Metadata API deploy flavours CumulusCI uses are understood:

* REST (`/services/data/vXX.X/metadata/deployRequest/{id}?includeDetails=true`): JSON,
  `deployResult.details.componentFailures` (a list, or one object) and
  `deployResult.details.runTestResult.failures`;
* SOAP (`checkDeployStatus` with `includeDetails`): XML `componentFailures` and `failures`
  elements with the same field names.

The report is a small JSON document the deploy task writes and `sfpay deploy` prints, so the
user sees "file:line: problem" instead of a traceback or a SOAP envelope.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET

REPORT_ENV = "SFPAY_DEPLOY_REPORT"


@dataclass
class ComponentFailure:
    problem: str
    problem_type: str = "Error"
    component_type: str | None = None
    full_name: str | None = None
    file_name: str | None = None  # as Salesforce names it (Metadata API format)
    line: int | None = None
    column: int | None = None
    source: str | None = None  # the SFDX source file it came from
    source_line: int | None = None

    def location(self) -> str:
        """`file:line` for the user: the source file if known, else Salesforce's file name."""
        where = self.source or self.file_name or self.full_name or "(org)"
        line = self.source_line if self.source else self.line
        return f"{where}:{line}" if line else where

    def describe(self) -> str:
        what = " ".join(part for part in (self.component_type, self.full_name) if part)
        suffix = f"  [{what}]" if what else ""
        return f"{self.location()}: {self.problem_type}: {self.problem}{suffix}"


@dataclass
class TestFailure:
    name: str
    method: str | None
    message: str
    stack_trace: str | None = None

    def describe(self) -> str:
        target = f"{self.name}.{self.method}" if self.method else self.name
        return f"Apex test {target}: {self.message}"


@dataclass
class DeployReport:
    status: str  # "Failed", "Succeeded", ...
    component_failures: list[ComponentFailure]
    test_failures: list[TestFailure]
    error_message: str | None = None
    check_only: bool = False

    def lines(self) -> list[str]:
        lines = [failure.describe() for failure in self.component_failures]
        lines += [failure.describe() for failure in self.test_failures]
        if self.error_message and not lines:
            lines.append(self.error_message)
        return lines

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "DeployReport":
        data = json.loads(text)
        return cls(
            status=data["status"],
            component_failures=[ComponentFailure(**f) for f in data.get("component_failures", [])],
            test_failures=[TestFailure(**f) for f in data.get("test_failures", [])],
            error_message=data.get("error_message"),
            check_only=data.get("check_only", False),
        )

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        tmp.replace(path)


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number or None


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def report_from_rest(body: dict) -> DeployReport:
    result = body.get("deployResult", body)
    details = result.get("details") or {}
    failures = [
        ComponentFailure(
            problem=str(f.get("problem") or "Unknown problem"),
            problem_type=str(f.get("problemType") or "Error"),
            component_type=f.get("componentType") or None,
            full_name=f.get("fullName") or None,
            file_name=f.get("fileName") or None,
            line=_int(f.get("lineNumber")),
            column=_int(f.get("columnNumber")),
        )
        for f in _as_list(details.get("componentFailures"))
    ]
    run_tests = details.get("runTestResult") or {}
    tests = [
        TestFailure(
            name=str(t.get("name") or "?"),
            method=t.get("methodName"),
            message=str(t.get("message") or ""),
            stack_trace=t.get("stackTrace"),
        )
        for t in _as_list(run_tests.get("failures"))
    ]
    return DeployReport(
        status=str(result.get("status") or "Failed"),
        component_failures=failures,
        test_failures=tests,
        error_message=result.get("errorMessage"),
        check_only=str(result.get("checkOnly")).lower() == "true",
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name:
            return child.text
    return None


def report_from_soap(xml_text: bytes | str) -> DeployReport:
    root = SafeET.fromstring(xml_text)
    status = None
    error_message = None
    check_only = False
    failures: list[ComponentFailure] = []
    tests: list[TestFailure] = []
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "result" and status is None:
            status = _child_text(element, "status")
            error_message = _child_text(element, "errorMessage")
            check_only = (_child_text(element, "checkOnly") or "").lower() == "true"
        elif tag == "componentFailures":
            failures.append(
                ComponentFailure(
                    problem=_child_text(element, "problem") or "Unknown problem",
                    problem_type=_child_text(element, "problemType") or "Error",
                    component_type=_child_text(element, "componentType"),
                    full_name=_child_text(element, "fullName"),
                    file_name=_child_text(element, "fileName"),
                    line=_int(_child_text(element, "lineNumber")),
                    column=_int(_child_text(element, "columnNumber")),
                )
            )
        elif tag == "failures":
            tests.append(
                TestFailure(
                    name=_child_text(element, "name") or "?",
                    method=_child_text(element, "methodName"),
                    message=_child_text(element, "message") or "",
                    stack_trace=_child_text(element, "stackTrace"),
                )
            )
    return DeployReport(
        status=status or "Failed",
        component_failures=failures,
        test_failures=tests,
        error_message=error_message,
        check_only=check_only,
    )


def report_from_response(response) -> DeployReport | None:
    """Read a requests.Response from either API; None if it carries no deploy result."""
    if response is None:
        return None
    content_type = response.headers.get("Content-Type", "") if hasattr(response, "headers") else ""
    try:
        if "json" in content_type:
            body = response.json()
            if isinstance(body, list):  # REST error bodies are lists of {errorCode, message}
                messages = "; ".join(f"{e.get('errorCode')}: {e.get('message')}" for e in body if isinstance(e, dict))
                return DeployReport(status="Failed", component_failures=[], test_failures=[], error_message=messages)
            return report_from_rest(body)
        return report_from_soap(response.content)
    except (ValueError, SafeET.ParseError, AttributeError):
        return None
