"""`file:line: severity rule-id: message`, then the fix hint indented, then a summary line."""

from __future__ import annotations


def location(finding) -> str:
    return f"{finding.file}:{finding.line}" if finding.line else finding.file


def render(report, rules) -> str:
    lines = []
    for finding in report.findings:
        lines.append(f"{location(finding)}: {finding.severity.value} {finding.rule_id}: {finding.message}")
        if finding.hint:
            lines.append(f"    hint: {finding.hint}")
    errors = sum(1 for f in report.findings if f.severity.value == "error")
    warnings = sum(1 for f in report.findings if f.severity.value == "warning")
    notes = len(report.findings) - errors - warnings
    summary = (
        f"{report.files_checked} files, {report.flows_checked} flows checked: "
        f"{errors} error(s), {warnings} warning(s)" + (f", {notes} note(s)" if notes else "")
    )
    lines.append(summary)
    return "\n".join(lines) + "\n"
