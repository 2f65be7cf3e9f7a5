from validator.rules.base import Rule


class ActionUnknown(Rule):
    id = "action-unknown"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    message = (
        "Every `apex` action exists: connector actions in the Stripe connector catalog, "
        "others as an Apex class in the source tree."
    )
    hint = "Use an action name from the connector catalog (`stripeGC__v02_...`), or add the invocable Apex class."

    def check(self, flow, context):
        catalog = context.catalog
        for element in flow.nodes():
            if element.kind != "actionCalls" or element.get("actionType") != "apex":
                continue
            name = element.get("actionName") or ""
            if catalog.owns(name):
                if catalog.action(name) is None:
                    close = catalog.similar_actions(name)
                    suggestion = f"; did you mean {', '.join(f'`{c}`' for c in close)}?" if close else ""
                    yield self.finding(
                        flow.file.display,
                        element.line,
                        f"`{element.name}` calls `{name}`, which is not in the Stripe connector catalog{suggestion}",
                    )
            elif "__" not in name and name.lower() not in context.index.apex_classes:
                yield self.finding(
                    flow.file.display,
                    element.line,
                    f"`{element.name}` calls Apex action `{name}`: no such connector action and no Apex class `{name}` in the source tree",
                )
