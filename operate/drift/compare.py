"""Compare the spec's components with the org's (pure): differing, missing, extra, flow
activation, and a per-flow diff by element."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from operate.drift.normalise import Component, canonical, local, pretty
from sfmeta.xml import MD_NS

DIFF_LINES = 40  # per changed element; the JSON carries the same cut


@dataclass
class ElementChange:
    element: str  # `recordUpdates Set_Invoice_Id`, `start`, `label`
    change: str  # changed, added (in the org only), removed (missing in the org)
    diff: list[str] = field(default_factory=list)  # unified diff lines, spec -> org


@dataclass
class Finding:
    type: str
    name: str
    kind: str  # differs, missing, extra, activation
    summary: str
    elements: list[ElementChange] = field(default_factory=list)


@dataclass
class FlowVersion:
    name: str
    expected_status: str | None
    org_status: str | None  # status of the retrieved (latest) version
    active_version: int | None  # Tooling API FlowDefinition
    latest_version: int | None


@dataclass
class DriftResult:
    findings: list[Finding]
    compared: int
    flows: list[FlowVersion]

    @property
    def drift(self) -> bool:
        return bool(self.findings)


def _element_key(element) -> str:
    name = element.findtext(f"{{{MD_NS}}}name")
    return f"{local(element)} {name}" if name else local(element)


def _unified(expected, actual) -> list[str]:
    lines = list(
        difflib.unified_diff(
            pretty(expected) if expected is not None else [],
            pretty(actual) if actual is not None else [],
            fromfile="spec",
            tofile="org",
            lineterm="",
            n=1,
        )
    )
    return lines[:DIFF_LINES] + ([f"... {len(lines) - DIFF_LINES} more lines"] if len(lines) > DIFF_LINES else [])


def element_changes(expected: Component, actual: Component) -> list[ElementChange]:
    """What differs between two components, child by child (a flow's elements, a field's
    settings), keyed by tag and name."""

    def keyed(component: Component) -> dict[str, list]:
        out: dict[str, list] = {}
        for child in component.element:
            if isinstance(child.tag, str):
                out.setdefault(_element_key(child), []).append(child)
        return out

    left, right = keyed(expected), keyed(actual)
    changes = []
    for key in sorted(set(left) | set(right)):
        a, b = left.get(key, []), right.get(key, [])
        if [canonical(x) for x in a] == [canonical(x) for x in b]:
            continue
        if not a:
            changes.append(ElementChange(key, "added", _unified(None, b[0])))
        elif not b:
            changes.append(ElementChange(key, "removed", _unified(a[0], None)))
        elif len(a) == 1 and len(b) == 1:
            changes.append(ElementChange(key, "changed", _unified(a[0], b[0])))
        else:  # a repeated unnamed element (e.g. two <queriedFields>): diff the group
            diff = []
            for x, y in zip(a + [None] * (len(b) - len(a)), b + [None] * (len(a) - len(b)), strict=True):
                if x is None or y is None or canonical(x) != canonical(y):
                    diff += _unified(x, y)
            changes.append(ElementChange(key, "changed", diff[:DIFF_LINES]))
    return changes


def compare(
    expected: dict[tuple[str, str], Component],
    actual: dict[tuple[str, str], Component],
    flows: list[FlowVersion],
    owned_fields: set[str],
) -> DriftResult:
    """`actual` may hold more than the spec renders (every flow of the org): an org flow not in
    the spec is reported as extra only when it mentions a field the spec owns (`owned_fields`,
    e.g. a Save-As copy of an sfpay flow, or another automation writing the invoice id)."""
    findings: list[Finding] = []
    for key in sorted(expected):
        type_name, name = key
        if key not in actual:
            findings.append(Finding(type_name, name, "missing", "in the spec, not in the org"))
            continue
        exp, act = expected[key], actual[key]
        if canonical(exp.element) == canonical(act.element) and (exp.body or b"").strip() == (act.body or b"").strip():
            continue
        changes = element_changes(exp, act)
        if (exp.body or b"").strip() != (act.body or b"").strip():
            body_diff = list(
                difflib.unified_diff(
                    (exp.body or b"").decode(errors="replace").splitlines(),
                    (act.body or b"").decode(errors="replace").splitlines(),
                    "spec",
                    "org",
                    lineterm="",
                    n=1,
                )
            )
            changes.append(ElementChange("template body", "changed", body_diff[:DIFF_LINES]))
        what = ", ".join(f"{c.element} {c.change}" for c in changes[:4]) + (
            f" and {len(changes) - 4} more" if len(changes) > 4 else ""
        )
        findings.append(Finding(type_name, name, "differs", what or "differs", changes))
    for key in sorted(set(actual) - set(expected)):
        type_name, name = key
        if type_name != "Flow":
            continue
        text = canonical(actual[key].element).decode(errors="replace")
        mentioned = sorted(f for f in owned_fields if f in text)
        if mentioned:
            findings.append(
                Finding(
                    "Flow",
                    name,
                    "extra",
                    f"not in the spec, and it uses fields sfpay owns: {', '.join(mentioned[:4])}"
                    + (f" and {len(mentioned) - 4} more" if len(mentioned) > 4 else ""),
                )
            )
    for flow in flows:
        if flow.expected_status is None:
            continue
        active = flow.active_version is not None
        if flow.expected_status == "Active" and not active:
            findings.append(
                Finding("Flow", flow.name, "activation", "the spec says Active; no version is active in the org")
            )
        elif flow.expected_status == "Active" and flow.latest_version and flow.active_version != flow.latest_version:
            findings.append(
                Finding(
                    "Flow",
                    flow.name,
                    "activation",
                    f"version {flow.active_version} is active but version {flow.latest_version} is the latest "
                    "(the comparison above is of the latest)",
                )
            )
        elif flow.expected_status == "Draft" and active:
            findings.append(
                Finding(
                    "Flow", flow.name, "activation", f"the spec says Draft; version {flow.active_version} is active"
                )
            )
    return DriftResult(findings, len(expected), flows)
