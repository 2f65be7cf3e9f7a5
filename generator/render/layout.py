"""Deterministic canvas positions for flow elements (locationX/locationY).

Flow Builder needs coordinates for a free-form canvas; they carry no meaning, so we compute
a simple layered layout: breadth-first from the start element along every connector, one row
per depth, elements in a row in order of discovery. An element no connector reaches is a
template bug and is reported, never silently placed.
"""

from __future__ import annotations

from lxml import etree

from sfmeta.xml import MD_NS

NODE_TAGS = ("actionCalls", "assignments", "decisions", "recordCreates", "recordLookups", "recordUpdates")
START_X, START_Y = 50, 0
COLUMN_WIDTH, ROW_HEIGHT = 264, 180

_NS = {"m": MD_NS}


class LayoutError(ValueError):
    pass


def _q(tag: str) -> str:
    return f"{{{MD_NS}}}{tag}"


def _targets(element: etree._Element) -> list[str]:
    """Targets of an element's connectors in reading order (rules, default, fault)."""
    return [t.text for t in element.iterfind(".//m:targetReference", _NS)]


def apply_layout(flow: etree._Element, source: str) -> None:
    nodes = {}
    for tag in NODE_TAGS:
        for element in flow.iterfind(f"m:{tag}", _NS):
            nodes[element.findtext("m:name", namespaces=_NS)] = element
    start = flow.find("m:start", _NS)
    if start is None:
        raise LayoutError(f"{source}: flow has no <start>")
    _place(start, START_X, START_Y)

    depth = {}
    order: list[str] = []
    frontier = [t for t in _targets(start) if t not in depth]
    level = 1
    while frontier:
        next_frontier: list[str] = []
        for name in frontier:
            if name in depth:
                continue
            if name not in nodes:
                raise LayoutError(f"{source}: connector targets unknown element '{name}'")
            depth[name] = level
            order.append(name)
            next_frontier.extend(t for t in _targets(nodes[name]) if t not in depth)
        frontier = next_frontier
        level += 1

    unreached = sorted(set(nodes) - set(depth))
    if unreached:
        raise LayoutError(f"{source}: elements not reachable from start: {', '.join(unreached)}")

    column: dict[int, int] = {}
    for name in order:
        row = depth[name]
        x = START_X + column.get(row, 0) * COLUMN_WIDTH
        column[row] = column.get(row, 0) + 1
        _place(nodes[name], x, START_Y + row * ROW_HEIGHT)


def _place(element: etree._Element, x: int, y: int) -> None:
    for tag, value in (("locationX", x), ("locationY", y)):
        existing = element.find(f"m:{tag}", _NS)
        if existing is None:
            existing = etree.SubElement(element, _q(tag))
        existing.text = str(value)
