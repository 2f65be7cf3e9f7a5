"""Graph questions about a flow: what is reachable, and on which path from the start."""

from __future__ import annotations

from sfmeta.flow import FlowPath
from validator.flow.model import Flow


def reachable(flow: Flow, *, include_fault: bool = True) -> set[str]:
    """Lower-case names of the nodes reachable from the start (all paths)."""
    seen: set[str] = set()
    pending = [edge.target for edge in flow.start_edges]
    while pending:
        name = pending.pop()
        element = flow.element(name)
        if element is None or name.lower() in seen:
            continue
        seen.add(name.lower())
        pending.extend(edge.target for edge in flow.successors(element, include_fault=include_fault))
    return seen


def nodes_on_path(flow: Flow, path: FlowPath) -> set[str]:
    """Lower-case names of the nodes reachable from one path's first element."""
    seen: set[str] = set()
    pending = [path.target] if path.target else []
    while pending:
        name = pending.pop()
        element = flow.element(name)
        if element is None or name.lower() in seen:
            continue
        seen.add(name.lower())
        pending.extend(edge.target for edge in element.edges)
    return seen


def fault_handlers(flow: Flow) -> set[str]:
    """Nodes reached only through a fault connector: the flow's error handling."""
    return reachable(flow) - reachable(flow, include_fault=False)
