"""Small helpers to read generated flow XML in tests (namespace-agnostic)."""

from __future__ import annotations

from lxml import etree

NODE_TAGS = ("actionCalls", "assignments", "decisions", "recordCreates", "recordLookups", "recordUpdates")
RESOURCE_TAGS = ("formulas", "textTemplates", "variables", "constants")


def parse(data: bytes):
    return etree.fromstring(data)


def text(element, path: str) -> str | None:
    return element.findtext("/".join(f"{{*}}{p}" for p in path.split("/")))


def all_of(element, tag: str) -> list:
    return element.findall(f"{{*}}{tag}")


def nodes(root) -> dict[str, tuple[str, object]]:
    out = {}
    for tag in NODE_TAGS:
        for element in all_of(root, tag):
            out[text(element, "name")] = (tag, element)
    return out


def resources(root) -> dict[str, tuple[str, object]]:
    out = {}
    for tag in RESOURCE_TAGS:
        for element in all_of(root, tag):
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
    return {text(p, "name") if child == "inputParameters" else text(p, "field"): p.find("{*}value") for p in all_of(element, child)}


def value_of(value_element) -> tuple[str, str]:
    child = value_element[0]
    return etree.QName(child).localname, child.text or ""
