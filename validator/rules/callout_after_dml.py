"""A callout after uncommitted DML in the same transaction fails (Apex Developer Guide, "Callout
Limits and Limitations": https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_callouts_timeouts.htm)."""

from validator.rules.base import Rule


class CalloutAfterDml(Rule):
    id = "callout-after-dml"
    # Not enforced by a Salesforce deploy: callout placement fails when the flow runs, not at deploy (orgsim emulates that run-time failure); `sfpay validate` reports it.
    enforced_at_deploy = False
    message = (
        "No callout follows a record write on the same path (create, update, delete, or a "
        "connector action that saves its records after the call)."
    )
    hint = (
        "Make all callouts first and write records after the last one; chained connector "
        "actions take performDmlSaveAfterCalls=false."
    )

    def check(self, flow, context):
        reported: set[str] = set()
        for path in flow.paths:
            if path.target is None:
                continue
            # Depth-first over (element, first write seen so far); each state once.
            pending = [(path.target, None)]
            seen: set[tuple[str, str | None]] = set()
            while pending:
                name, writer = pending.pop()
                element = flow.element(name)
                if element is None or not element.is_node or (name.lower(), writer) in seen:
                    continue
                seen.add((name.lower(), writer))
                if writer is not None and context.is_callout(element) and element.name not in reported:
                    reported.add(element.name)
                    written_by = flow.element(writer)
                    yield self.finding(
                        flow.file.display,
                        element.line,
                        f"`{element.name}` makes a callout after `{written_by.name}` "
                        f"({_describe(written_by, context)}, line {written_by.line}) wrote records on the "
                        f"{path.label} path",
                    )
                after = writer
                if after is None and context.writes_records(element):
                    after = element.name
                for edge in element.edges:
                    # A fault means the element's own write did not happen.
                    pending.append((edge.target, writer if edge.kind == "fault" else after))
        return


def _describe(element, context) -> str:
    if element.kind == "actionCalls":
        return "connector action with performDmlSaveAfterCalls not false"
    return element.kind
