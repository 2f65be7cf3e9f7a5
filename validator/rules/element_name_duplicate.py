from validator.rules.base import Rule


class ElementNameDuplicate(Rule):
    id = "element-name-duplicate"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    message = "Element and resource API names are unique within a flow (case-insensitively)."
    hint = "Rename one of them; references and connectors find elements by name."

    def check(self, flow, context):
        for element in flow.duplicates:
            first = flow.element(element.name)
            yield self.finding(
                flow.file.display,
                element.line,
                f"`{element.name}` ({element.kind}) reuses the name of `{first.name}` ({first.kind}) at line {first.line}",
            )
