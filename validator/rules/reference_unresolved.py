from validator.rules.base import Rule


class ReferenceUnresolved(Rule):
    id = "reference-unresolved"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    message = (
        "Every elementReference and {!merge field} resolves: elements, resources, globals "
        "($Record, $Record__Prior, $Flow...), and fields of connector action outputs."
    )
    hint = "Use the exact API name of an element or resource; for action outputs, a field of the action's output model."

    def check(self, flow, context):
        for reference, problem in context.resolved_references(flow):
            # Missing sObject fields are `field-unknown`'s findings, not this rule's.
            if problem is not None and problem.field is None:
                yield self.finding(flow.file.display, reference.line, problem.message)
