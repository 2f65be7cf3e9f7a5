"""JUnit XML: one test case per rule and file, failing when that rule found something there."""

from __future__ import annotations

from collections import defaultdict


def render(report, rules) -> str:
    from lxml import etree

    by_rule = defaultdict(list)
    for finding in report.findings:
        by_rule[finding.rule_id].append(finding)
    suite = etree.Element("testsuite", name="sfpay validate")
    failures = 0
    for rule in rules:
        found = by_rule.get(rule.id, [])
        case = etree.SubElement(suite, "testcase", classname="sfpay.validate", name=rule.id)
        blocking = [f for f in found if f.severity.value == "error"]
        if blocking:
            failures += 1
            failure = etree.SubElement(case, "failure", message=f"{len(blocking)} finding(s)", type=rule.id)
            failure.text = "\n".join(f"{f.file}:{f.line}: {f.message}" for f in blocking)
        other = [f for f in found if f.severity.value != "error"]
        if other:
            out = etree.SubElement(case, "system-out")
            out.text = "\n".join(f"{f.file}:{f.line}: {f.severity.value}: {f.message}" for f in other)
    suite.set("tests", str(len(rules)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    return etree.tostring(suite, pretty_print=True, xml_declaration=True, encoding="UTF-8").decode()
