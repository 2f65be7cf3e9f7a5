from validator.flow.paths import reachable
from validator.rules.base import Rule


class ElementUnreachable(Rule):
    id = "element-unreachable"
    # Not enforced by a Salesforce deploy: flows with unreachable elements save and deploy; `sfpay validate` reports it.
    enforced_at_deploy = False
    message = "Every element is reachable from the start (immediate, asynchronous or scheduled path)."
    hint = "Connect the element from a path, or delete it: unreachable elements never run."

    def check(self, flow, context):
        if not flow.paths:
            if flow.nodes():
                yield self.finding(
                    flow.file.display,
                    flow.start_line,
                    "the flow has no start connector, so no element runs",
                    "Connect <start> (or startElementReference) to the first element.",
                )
            return
        seen = reachable(flow)
        for element in flow.nodes():
            if element.name.lower() not in seen:
                yield self.finding(
                    flow.file.display, element.line, f"{element.kind} `{element.name}` is not reachable from the start"
                )
