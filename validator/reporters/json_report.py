from __future__ import annotations

import json


def render(report, rules) -> str:
    data = {
        "path": report.path.as_posix(),
        "files_checked": report.files_checked,
        "flows_checked": report.flows_checked,
        "errors": sum(1 for f in report.findings if f.severity.value == "error"),
        "warnings": sum(1 for f in report.findings if f.severity.value == "warning"),
        "findings": [f.to_dict() for f in report.findings],
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
