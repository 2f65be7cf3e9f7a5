"""Picklist values a flow writes or compares exist in the field's value set.

A flow that writes `Payed` to a restricted picklist fails at run time
(INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST); a decision comparing with a value the field
cannot hold never matches. Only fields whose value set is in the tree are checked.
"""

from sfmeta.xml import child, children, line_of, stripped
from validator.rules.base import Rule

_RECORD_ELEMENTS = ("recordLookups", "recordCreates", "recordUpdates", "recordDeletes")
_COMPARISONS = ("EqualTo", "NotEqualTo")


def _string_value(node):
    value = child(node, "value") if node is not None else None
    literal = child(value, "stringValue") if value is not None else None
    if literal is None or literal.text is None:
        return None, 0
    return literal.text, line_of(literal)


class PicklistValueUnknown(Rule):
    id = "picklist-value-unknown"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    message = "Every picklist value a flow writes or compares with is a value of the field's value set."
    hint = "Use the value's API name (fullName) exactly as the field defines it, or add the value to the field."

    def check(self, flow, context):
        resolver = context.resolver(flow)
        for field, value, line, how in self._uses(flow, resolver):
            values = field.picklist_values if field is not None else None
            if values is None or value in values:
                continue
            yield self.finding(
                flow.file.display,
                line,
                f"{how} `{value}` for `{field.object}.{field.name}`, whose values are {', '.join(values)}",
            )

    def _uses(self, flow, resolver):
        """(field info, literal value, line, verb) for every literal tied to a field."""
        start = flow.start
        if start is not None and flow.trigger_object:
            for condition in children(start, "filters"):
                value, line = _string_value(condition)
                if value is not None:
                    yield (
                        resolver.field_on(flow.trigger_object, [stripped(condition, "field") or ""]),
                        value,
                        line,
                        "compares with",
                    )
        for element in flow.nodes():
            if element.kind in _RECORD_ELEMENTS:
                object_name = element.get("object") or resolver.object_of(element.get("inputReference") or "")
                for group, how in (("inputAssignments", "writes"), ("filters", "compares with")):
                    for item in children(element.node, group):
                        value, line = _string_value(item)
                        if value is not None and object_name:
                            yield (
                                resolver.field_on(object_name, (stripped(item, "field") or "").split(".")),
                                value,
                                line,
                                how,
                            )
            elif element.kind == "assignments":
                for item in children(element.node, "assignmentItems"):
                    value, line = _string_value(item)
                    if value is not None and stripped(item, "operator") == "Assign":
                        yield resolver.field_of(stripped(item, "assignToReference") or ""), value, line, "writes"
            elif element.kind == "decisions":
                for rule in children(element.node, "rules"):
                    for condition in children(rule, "conditions"):
                        if stripped(condition, "operator") not in _COMPARISONS:
                            continue
                        right = child(condition, "rightValue")
                        literal = child(right, "stringValue") if right is not None else None
                        if literal is not None and literal.text is not None:
                            field = resolver.field_of(stripped(condition, "leftValueReference") or "")
                            yield field, literal.text, line_of(literal), "compares with"
