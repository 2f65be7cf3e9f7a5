"""BRIEF 3.2: callouts are not allowed from the synchronous trigger context, and every Stripe
call from a record-triggered flow sits on the Run Asynchronously (AsyncAfterCommit) path."""

from validator.flow.model import IMMEDIATE_PATH
from validator.flow.paths import nodes_on_path
from validator.rules.base import Rule

ASYNC_AFTER_COMMIT = "AsyncAfterCommit"


class CalloutNotAsync(Rule):
    id = "callout-not-async"
    message = (
        "A record-triggered flow makes connector callouts only on its Run Asynchronously "
        "(AsyncAfterCommit) path: never on the immediate path, nor on a time-based scheduled path."
    )
    hint = (
        "Move the callouts to a scheduled path with <pathType>AsyncAfterCommit</pathType>, which "
        "runs after the triggering save commits, in its own transaction."
    )

    def check(self, flow, context):
        if not flow.is_record_triggered:
            return
        reported: set[str] = set()
        for path in flow.paths:
            if path.path_type == ASYNC_AFTER_COMMIT:
                continue
            if path.label == IMMEDIATE_PATH:
                where = f"the immediate path of a {flow.trigger_type} flow, inside the triggering save"
            else:
                # Time-based paths run records in batches (maxBatchSize, up to 200) that share one
                # transaction's 100-callout limit; a few Stripe calls per record exhaust it.
                where = f"the time-based scheduled path `{path.label}`, whose batches share one transaction's callout limit"
            for name in sorted(nodes_on_path(flow, path)):
                element = flow.element(name)
                if context.is_callout(element) and element.name not in reported:
                    reported.add(element.name)
                    yield self.finding(
                        flow.file.display, element.line,
                        f"`{element.name}` calls `{element.get('actionName')}` on {where}",
                    )
