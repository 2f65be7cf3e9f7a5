"""BRIEF 3.2: callouts are not allowed from the synchronous trigger context."""

from validator.flow.model import IMMEDIATE_PATH
from validator.flow.paths import nodes_on_path
from validator.rules.base import Rule


class CalloutNotAsync(Rule):
    id = "callout-not-async"
    message = (
        "A record-triggered flow makes connector callouts only on an asynchronous path "
        "(Run Asynchronously = AsyncAfterCommit, or a scheduled path), never on the immediate path."
    )
    hint = (
        "Move the callout to a scheduled path with <pathType>AsyncAfterCommit</pathType>: the "
        "immediate path runs inside the triggering save, where callouts fail."
    )

    def check(self, flow, context):
        if not flow.is_record_triggered:
            return
        for path in flow.paths:
            if path.label != IMMEDIATE_PATH:
                continue
            for name in sorted(nodes_on_path(flow, path)):
                element = flow.element(name)
                if context.is_callout(element):
                    yield self.finding(
                        flow.file.display, element.line,
                        f"`{element.name}` calls `{element.get('actionName')}` on the immediate path of a "
                        f"{flow.trigger_type} flow",
                    )
