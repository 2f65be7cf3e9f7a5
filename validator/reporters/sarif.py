"""SARIF 2.1.0, the format GitHub code scanning and most CI dashboards read."""

from __future__ import annotations

import json

_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def render(report, rules) -> str:
    rule_list = [
        {
            "id": rule.id,
            "shortDescription": {"text": rule.message},
            "help": {"text": rule.hint},
            "defaultConfiguration": {"level": _LEVEL[rule.severity.value]},
        }
        for rule in rules
    ]
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = []
    for finding in report.findings:
        region = {"startLine": finding.line} if finding.line else {}
        location = {"physicalLocation": {"artifactLocation": {"uri": finding.file}}}
        if region:
            location["physicalLocation"]["region"] = region
        result = {
            "ruleId": finding.rule_id,
            "level": _LEVEL[finding.severity.value],
            "message": {"text": f"{finding.message}. {finding.hint}".strip() if finding.hint else finding.message},
            "locations": [location],
        }
        if finding.rule_id in index:
            result["ruleIndex"] = index[finding.rule_id]
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "sfpay validate", "rules": rule_list}},
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2) + "\n"
