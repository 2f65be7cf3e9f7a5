"""Small helpers to read generated flow XML in tests (namespace-agnostic), over sfmeta's Flow
model (the one reading of flow XML)."""

from __future__ import annotations

from sfmeta.flow import Flow
from sfmeta.xml import local
from sfmeta.xml import parse as sfmeta_parse

NODE_TAGS = ("actionCalls", "assignments", "decisions", "recordCreates", "recordLookups", "recordUpdates")
RESOURCE_TAGS = ("formulas", "textTemplates", "variables", "constants")


def parse(data: bytes):
    """The root of a generated metadata file (flows, workflows, permission sets)."""
    return sfmeta_parse(data)


def text(element, path: str) -> str | None:
    return element.findtext("/".join(f"{{*}}{p}" for p in path.split("/")))


def all_of(element, tag: str) -> list:
    return element.findall(f"{{*}}{tag}")


def nodes(root) -> dict[str, tuple[str, object]]:
    out = {}
    flow = Flow(root, "test")
    for tag in NODE_TAGS:
        for element in flow.of_kind(tag):
            out[text(element, "name")] = (tag, element)
    return out


def resources(root) -> dict[str, tuple[str, object]]:
    out = {}
    flow = Flow(root, "test")
    for tag in RESOURCE_TAGS:
        for element in flow.of_kind(tag):
            out[text(element, "name")] = (tag, element)
    return out


def normal_targets(tag: str, element) -> list[str]:
    """Targets reached without a fault: connector, rule connectors, default connector."""
    targets = []
    if tag == "decisions":
        targets += [text(rule, "connector/targetReference") for rule in all_of(element, "rules")]
        targets.append(text(element, "defaultConnector/targetReference"))
    else:
        targets.append(text(element, "connector/targetReference"))
    return [t for t in targets if t]


def inputs(element, child: str = "inputParameters") -> dict[str, object]:
    return {
        text(p, "name") if child == "inputParameters" else text(p, "field"): p.find("{*}value")
        for p in all_of(element, child)
    }


def value_of(value_element) -> tuple[str, str]:
    child = value_element[0]
    return local(child), child.text or ""
