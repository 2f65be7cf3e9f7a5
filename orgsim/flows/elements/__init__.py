"""Flow element handlers: one module per element type, registered in a dispatch table."""

from orgsim.flows.elements import action_call, assignment, decision, loop, record_lookup, record_write  # noqa: F401
from orgsim.flows.elements.base import REGISTRY, Handler

__all__ = ["REGISTRY", "Handler"]
