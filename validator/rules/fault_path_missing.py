from sfmeta.flow import DML_KINDS
from validator.flow.paths import fault_handlers
from validator.rules.base import Rule


class FaultPathMissing(Rule):
    id = "fault-path-missing"
    # Not enforced by a Salesforce deploy: Flow Builder saves and the Metadata API deploys flows without fault paths; `sfpay validate` reports it.
    enforced_at_deploy = False
    message = (
        "Every action and record write (create, update, delete) has a fault connector; "
        "elements that are themselves part of a fault handler are exempt."
    )
    hint = (
        "Add a <faultConnector> to an error handler (e.g. create a stripeGC__Sync_Log__c record "
        "with {!$Flow.FaultMessage}); an unhandled fault rolls back the whole transaction."
    )

    def check(self, flow, context):
        handlers = fault_handlers(flow)
        for element in flow.nodes():
            if element.kind != "actionCalls" and element.kind not in DML_KINDS:
                continue
            if element.name.lower() in handlers:
                continue
            if not any(edge.kind == "fault" for edge in element.edges):
                yield self.finding(
                    flow.file.display, element.line, f"{element.kind} `{element.name}` has no fault connector"
                )
