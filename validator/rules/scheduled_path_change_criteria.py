"""A flow with scheduled paths that triggers on update must use 'only when changed' (Salesforce Help,
"Scheduled Paths": https://help.salesforce.com/s/articleView?id=platform.flow_concepts_trigger_scheduled_path.htm)."""

from sfmeta.xml import stripped
from validator.rules.base import Rule


class ScheduledPathChangeCriteria(Rule):
    id = "scheduled-path-change-criteria"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    message = (
        "An update-triggered flow with scheduled paths sets doesRequireRecordChangedToMeetCriteria "
        "(run only when a record is updated to meet the conditions)."
    )
    hint = "Add <doesRequireRecordChangedToMeetCriteria>true</doesRequireRecordChangedToMeetCriteria> to <start>."

    def check(self, flow, context):
        if flow.start is None or flow.record_trigger_type not in ("Update", "CreateAndUpdate"):
            return
        # Run Asynchronously (AsyncAfterCommit) paths do not need it; time-based paths do.
        time_based = [p for p in flow.paths if p.label != "immediate" and p.path_type != "AsyncAfterCommit"]
        if not time_based:
            return
        if stripped(flow.start, "doesRequireRecordChangedToMeetCriteria") != "true":
            yield self.finding(
                flow.file.display,
                flow.start_line,
                f"flow triggers on {flow.record_trigger_type} and has {len(time_based)} scheduled path(s) "
                "but does not set doesRequireRecordChangedToMeetCriteria to true",
            )
