"""Picklist values that are empty or only whitespace: Salesforce requires a value's name, and a
flow can never write or match a blank one."""

from sfmeta.xml import child, children, line_of
from validator.rules.base import Rule


class PicklistValueBlank(Rule):
    id = "picklist-value-blank"
    # Enforced by a Salesforce deploy: a deploy refuses a picklist value without a name.
    enforced_at_deploy = True
    scope = "file"
    message = "Every picklist value has a non-blank name."
    hint = "Give the value a name (fullName and label), or remove it."

    def check(self, file, context):
        if file.root is None or file.kind.type_name != "CustomField":
            return
        value_set = child(file.root, "valueSet")
        definition = child(value_set, "valueSetDefinition") if value_set is not None else None
        if definition is None:
            return
        for value in children(definition, "value"):
            node = child(value, "fullName")
            if node is None or not (node.text or "").strip():
                yield self.finding(
                    file.display,
                    line_of(node, line_of(value)),
                    f"picklist value {(node.text if node is not None else None)!r} is blank",
                )
