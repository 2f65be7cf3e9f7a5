from validator.rules.base import Rule


class ConnectorTargetMissing(Rule):
    id = "connector-target-missing"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    message = "Every connector (next, fault, default, decision outcome, scheduled path) leads to an existing element."
    hint = "Point the connector's targetReference at an element's <name>, or remove the connector."

    def check(self, flow, context):
        for edge in flow.all_edges():
            target = flow.element(edge.target)
            if target is None or not target.is_node:
                what = (
                    f"`{target.name}` is not an element a connector can lead to ({target.kind})"
                    if target
                    else "no element has that name"
                )
                source = "the start element" if edge.source == "start" else f"`{edge.source}`"
                yield self.finding(
                    flow.file.display,
                    edge.line,
                    f"{edge.kind} connector of {source} targets `{edge.target}`: {what}",
                )
