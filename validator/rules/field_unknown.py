"""Cross-file: every field a flow, permission set, record type or email template names exists."""

import re

from sfmeta.xml import child, children, line_of, stripped
from validator.flow.references import record_field_uses
from validator.rules.base import Rule
from validator.xmlio import read_regular_file


class FieldUnknown(Rule):
    id = "field-unknown"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    scope = "tree"
    message = (
        "Every field referenced (flows, permission sets, record types, custom fields in email "
        "templates) exists in objects/ or in the known standard and connector package fields."
    )
    hint = (
        "Add the field under objects/<Object>/fields/, fix the API name, or, if the org already "
        "has it, list it under `known_fields` in .sfpay-validate.yml."
    )

    def check(self, tree, context):
        yield from self._flows(context)
        yield from self._permissions(tree, context.index)
        yield from self._record_types(tree, context.index)
        yield from self._email_templates(tree, context.index)

    def _flows(self, context):
        for flow in context.flows:
            resolver = context.resolver(flow)
            for reference, problem in context.resolved_references(flow):
                if problem is not None and problem.field is not None:
                    yield self.finding(flow.file.display, reference.line, problem.message)
            for use in record_field_uses(flow, resolver):
                problem = resolver.walk_object(use.field, use.object, use.field.split("."))
                if problem is not None:
                    yield self.finding(flow.file.display, use.line, f"{use.where}: {problem.message}")

    def _permissions(self, tree, index):
        for item in tree.of_type("PermissionSet") + tree.of_type("Profile"):
            if item.root is None:
                continue
            for permission in children(item.root, "fieldPermissions"):
                qualified = stripped(permission, "field") or ""
                if "." not in qualified:
                    continue
                object_name, field_name = qualified.split(".", 1)
                if index.object(object_name) is not None and index.field(object_name, field_name) is None:
                    yield self.finding(
                        item.display,
                        line_of(child(permission, "field"), line_of(permission)),
                        f"field permission for `{qualified}`, which is not defined",
                    )

    def _record_types(self, tree, index):
        for item in tree.of_type("RecordType"):
            if item.root is None:
                continue
            object_name = item.relative.parts[-3]
            for values in children(item.root, "picklistValues"):
                field_name = stripped(values, "picklist")
                if field_name and index.field(object_name, field_name) is None:
                    yield self.finding(
                        item.display,
                        line_of(child(values, "picklist"), line_of(values)),
                        f"picklist values for `{object_name}.{field_name}`, which is not defined",
                    )

    def _email_templates(self, tree, index):
        # Classic templates also have synthetic merge fields ({!Opportunity.Link},
        # {!Opportunity.OwnerFullName}), so only custom fields are checked: a typo there
        # sends an email with a blank where the invoice link should be.
        for item in tree.of_type("EmailTemplate"):
            sources = []
            if item.root is not None:
                subject = child(item.root, "subject")
                if subject is not None and subject.text:
                    sources.append((item.display, subject.text, line_of(subject)))
            content = tree.content_files.get(item.display)
            if content is not None:
                try:
                    sources.append((content[1], read_regular_file(content[0]).decode("utf-8", errors="replace"), 1))
                except OSError:
                    pass
            for display, body, first_line in sources:
                for match in _CUSTOM_MERGE_FIELD.finditer(body):
                    object_name, field_name = match.group(1), match.group(2)
                    if index.object(object_name) is not None and index.field(object_name, field_name) is None:
                        line = first_line + body.count("\n", 0, match.start())
                        yield self.finding(
                            display,
                            line,
                            f"merge field `{{!{object_name}.{field_name}}}`: `{object_name}` has no field `{field_name}`",
                        )


_CUSTOM_MERGE_FIELD = re.compile(r"\{!\s*([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z][A-Za-z0-9_]*__c)\s*\}")
