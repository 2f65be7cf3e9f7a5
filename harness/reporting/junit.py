"""JUnit XML for CI systems: one testcase per scenario, evidence in system-out."""

from __future__ import annotations

from lxml import etree

from harness.results import Outcome, RunSummary, ScenarioResult


def _evidence_text(result: ScenarioResult) -> str:
    lines = [f"{item.kind}: {item.label} = {item.value}" for item in result.evidence]
    lines += [f"timing: {t.label} = {t.seconds:.3f} s" for t in result.timings]
    lines += [
        f"transition: {t.record} {t.field}: {t.before} -> {t.after} at +{t.at_seconds:.3f} s"
        for t in result.transitions
    ]
    return "\n".join(lines)


def render_junit(summary: RunSummary) -> bytes:
    suite = etree.Element(
        "testsuite",
        name=f"sfpay verify --target {summary.target}",
        tests=str(len(summary.results)),
        failures=str(summary.count(Outcome.FAILED)),
        errors=str(summary.count(Outcome.ERROR)),
        skipped=str(summary.count(Outcome.SKIPPED)),
        time=f"{summary.duration_seconds:.3f}",
        timestamp=summary.started_at,
    )
    properties = etree.SubElement(suite, "properties")
    etree.SubElement(properties, "property", name="target", value=summary.target_description)
    for item in summary.environment:
        etree.SubElement(properties, "property", name=item.label, value=item.value)
    for result in summary.results:
        case = etree.SubElement(
            suite,
            "testcase",
            classname=f"sfpay.{summary.target}",
            name=f"{result.number:02d}-{result.name}",
            time=f"{result.duration_seconds:.3f}",
        )
        if result.outcome is Outcome.FAILED:
            etree.SubElement(case, "failure", message=result.reason, type="ScenarioFailed").text = result.reason
        elif result.outcome is Outcome.ERROR:
            etree.SubElement(case, "error", message=result.reason, type="ScenarioError").text = result.reason
        elif result.outcome is Outcome.SKIPPED:
            etree.SubElement(case, "skipped", message=result.reason)
        out = etree.SubElement(case, "system-out")
        out.text = f"{result.title}\nverdict: {result.reason}\n{_evidence_text(result)}"
    return etree.tostring(etree.ElementTree(suite), xml_declaration=True, encoding="UTF-8", pretty_print=True)
