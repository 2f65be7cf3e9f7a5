from validator.rules.base import Rule


class EmailAlertUnknown(Rule):
    id = "email-alert-unknown"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    message = "Every email alert a flow sends is defined in the object's workflow file."
    hint = (
        "Add the <alerts> entry to workflows/<Object>.workflow-meta.xml, or fix `<Object>.<AlertName>` in actionName."
    )

    def check(self, flow, context):
        for element in flow.nodes():
            if element.kind != "actionCalls" or element.get("actionType") != "emailAlert":
                continue
            name = element.get("actionName") or ""
            if "." not in name:
                yield self.finding(
                    flow.file.display,
                    element.line,
                    f"`{element.name}`: email alert action name `{name}` is not `<Object>.<AlertName>`",
                )
            elif name.lower() not in context.index.alerts:
                object_name = name.split(".", 1)[0]
                yield self.finding(
                    flow.file.display,
                    element.line,
                    f"`{element.name}` sends email alert `{name}`, which workflows/{object_name}.workflow-meta.xml does not define",
                )
