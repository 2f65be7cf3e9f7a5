"""Run every enabled rule over a source tree and collect sorted findings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from validator.config import Config
from validator.context import Context
from validator.findings import Finding, Severity
from validator.source_tree import load


@dataclass
class Report:
    path: Path
    findings: list[Finding]
    files_checked: int
    flows_checked: int

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def failed(self, strict: bool) -> bool:
        worst = {Severity.ERROR} | ({Severity.WARNING} if strict else set())
        return any(f.severity in worst for f in self.findings)


def validate(path: Path, config: Config | None = None) -> Report:
    from validator.rules import RULES

    config = config or Config()
    tree = load(path)
    context = Context(tree, config)
    findings: list[Finding] = []
    for rule in RULES:
        if rule.id in config.disabled:
            continue
        if rule.scope == "file":
            subjects = tree.files
        elif rule.scope == "flow":
            subjects = context.flows
        else:
            subjects = [tree]
        severity = config.severities.get(rule.id)
        for subject in subjects:
            for finding in rule.check(subject, context):
                findings.append(replace(finding, severity=severity) if severity else finding)
    findings = sorted(set(findings), key=Finding.sort_key)
    return Report(Path(path), findings, len(tree.files) + len(tree.unresolved), len(context.flows))
