"""Run every enabled rule over a source tree and collect sorted findings."""

from __future__ import annotations

from pathlib import Path

from sfmeta.record import Record
from validator.config import Config
from validator.context import Context
from validator.findings import Finding, Severity
from validator.source_tree import load


class Report(Record):
    __slots__ = _fields = ("path", "findings", "files_checked", "flows_checked")

    def __init__(self, path: Path, findings: list[Finding], files_checked: int, flows_checked: int) -> None:
        self.path, self.findings, self.files_checked, self.flows_checked = path, findings, files_checked, flows_checked

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def failed(self, strict: bool) -> bool:
        worst = {Severity.ERROR} | ({Severity.WARNING} if strict else set())
        return any(f.severity in worst for f in self.findings)


def enclosing_package(file: Path) -> Path | None:
    """The project root (sfdx-project.json) or package directory (parent of main/) around a file."""
    for parent in file.resolve().parents:
        if (parent / "sfdx-project.json").is_file():
            return parent
        if parent.name == "main" and parent.parent != parent:
            return parent.parent
    return None


def validate(path: Path, config: Config | None = None) -> Report:
    """Validate a package directory, a project root, or one file.

    One file is validated in the context of its package (so cross-file references resolve)
    and only its own findings are reported.
    """
    path = Path(path)
    if path.is_file():
        package = enclosing_package(path)
        if package is not None:
            report = _validate(load(package), config or Config(), focus=path.resolve())
            if report is not None:
                report.path = path
                return report
    report = _validate(load(path), config or Config())
    assert report is not None  # only a focused run can have nothing to report
    report.path = path
    return report


def _validate(tree, config: Config, focus: Path | None = None) -> Report | None:
    from validator.rules import RULES

    if focus is not None:
        displays = {f.display for f in tree.files} | {u.display for u in tree.unresolved}
        focus_display = next((d for d in displays if Path(d).resolve() == focus), None)
        if focus_display is None:
            return None  # the file is outside its project's package directories
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
                findings.append(finding._replace(severity=severity) if severity else finding)
    findings = sorted(set(findings), key=Finding.sort_key)
    if focus is not None:
        findings = [f for f in findings if f.file == focus_display]
        flows = sum(1 for f in context.flows if f.file.display == focus_display)
        return Report(focus, findings, 1, flows)
    return Report(tree.base, findings, len(tree.files) + len(tree.unresolved), len(context.flows))
