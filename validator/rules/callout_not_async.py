"""Callouts are not allowed from the synchronous trigger context (Salesforce Help, "Record-Triggered
Flow Considerations": https://help.salesforce.com/s/articleView?id=platform.flow_considerations_trigger_record.htm), and a
scheduled path's batch (all its interviews share one transaction) must stay within the callout
budget.

Budget: at most 80 of the 100 callouts a transaction allows (issue 12), counted as the path's
batch size times the connector actions on the path (an upper bound of one interview's chain).
Batch size: a time-based scheduled path's `maxBatchSize` (Batch Size, 1-200, a documented
scheduled-path setting: Salesforce Help, "Scheduled Paths",
https://help.salesforce.com/s/articleView?id=platform.flow_concepts_trigger_scheduled_path.htm);
otherwise 200, the size of a trigger batch. Run Asynchronously (AsyncAfterCommit) paths are
accepted as before: Salesforce documents no batch size for them (orgsim refuses `maxBatchSize`
there), so their bulk behaviour is left to the org emulator's behaviour tests.
"""

from sfmeta.flow import IMMEDIATE_PATH
from validator.flow.paths import nodes_on_path
from validator.rules.base import Rule

ASYNC_AFTER_COMMIT = "AsyncAfterCommit"
CALLOUT_BUDGET = 80
DEFAULT_BATCH = 200


class CalloutNotAsync(Rule):
    id = "callout-not-async"
    # Not enforced by a Salesforce deploy: callout placement fails when the flow runs, not at deploy (orgsim emulates that run-time failure); `sfpay validate` reports it.
    enforced_at_deploy = False
    message = (
        "A record-triggered flow makes connector callouts only after the save commits: on its Run "
        "Asynchronously path, or on a scheduled path whose batch stays within the callout budget "
        "(batch size x callouts <= 80 per transaction)."
    )
    hint = (
        "Put the callouts on a scheduled path with a small <maxBatchSize> (1 keeps every record "
        "in its own transaction), so batch size x callouts per interview stays within 80."
    )

    def check(self, flow, context):
        if not flow.is_record_triggered:
            return
        reported: set[str] = set()
        for path in flow.paths:
            callouts = sorted(name for name in nodes_on_path(flow, path) if context.is_callout(flow.element(name)))
            if not callouts:
                continue
            if path.path_type == ASYNC_AFTER_COMMIT:
                continue
            if path.label == IMMEDIATE_PATH:
                where = f"the immediate path of a {flow.trigger_type} flow, inside the triggering save"
            else:
                batch = path.max_batch_size or DEFAULT_BATCH
                peak = batch * len(callouts)
                if peak <= CALLOUT_BUDGET:
                    continue
                where = (
                    f"the scheduled path `{path.label}`: {batch} interviews per transaction x "
                    f"{len(callouts)} callouts = {peak}, over the budget of {CALLOUT_BUDGET}"
                )
            for name in callouts:
                element = flow.element(name)
                if element.name not in reported:
                    reported.add(element.name)
                    yield self.finding(
                        flow.file.display,
                        element.line,
                        f"`{element.name}` calls `{element.get('actionName')}` on {where}",
                    )
