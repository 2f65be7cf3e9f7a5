"""Cross-file: every field a flow, permission set or record type names exists."""

from validator.flow.references import record_field_uses, references
from validator.rules.base import Rule
from validator.xmlio import child, children, line_of, text


class FieldUnknown(Rule):
    id = "field-unknown"
    scope = "tree"
    message = (
        "Every field referenced (flows, permission sets, record types) exists in objects/ or "
        "in the known standard and connector package fields."
    )
    hint = (
        "Add the field under objects/<Object>/fields/, fix the API name, or, if the org already "
        "has it, list it under `known_fields` in .sfpay-validate.yml."
    )

    def check(self, tree, context):
        index = context.index
        for flow in context.flows:
            resolver = context.resolver(flow)
            for reference in references(flow):
                problem = resolver.resolve(reference.text)
                if problem is not None and problem.field is not None:
                    yield self.finding(flow.file.display, reference.line, problem.message)
            for use in record_field_uses(flow, resolver):
                problem = resolver.walk_object(use.field, use.object, use.field.split("."))
                if problem is not None:
                    yield self.finding(flow.file.display, use.line, f"{use.where}: {problem.message}")
        for item in tree.of_type("PermissionSet") + tree.of_type("Profile"):
            if item.root is None:
                continue
            for permission in children(item.root, "fieldPermissions"):
                qualified = text(permission, "field") or ""
                if "." not in qualified:
                    continue
                object_name, field_name = qualified.split(".", 1)
                if index.object(object_name) is not None and index.field(object_name, field_name) is None:
                    yield self.finding(
                        item.display, line_of(child(permission, "field"), line_of(permission)),
                        f"field permission for `{qualified}`, which is not defined",
                    )
        for item in tree.of_type("RecordType"):
            if item.root is None:
                continue
            object_name = item.relative.parts[-3]
            for values in children(item.root, "picklistValues"):
                field_name = text(values, "picklist")
                if field_name and index.field(object_name, field_name) is None:
                    yield self.finding(
                        item.display, line_of(child(values, "picklist"), line_of(values)),
                        f"picklist values for `{object_name}.{field_name}`, which is not defined",
                    )
