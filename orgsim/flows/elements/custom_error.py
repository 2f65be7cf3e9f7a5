"""customErrors: stop the save with the flow's own message, as a validation rule would.

The triggering record's save fails with FIELD_CUSTOM_VALIDATION_EXCEPTION (on the selected field
when `isFieldError`), and the transaction's work for that record rolls back; in an async or
scheduled path the interview fails with the message.
"""

from __future__ import annotations

from orgsim.flows.elements.base import Handler, register
from orgsim.flows.values import parse_template, template_refs
from sfmeta.flow_parts import CustomError as CustomErrorPart


@register
class CustomError(Handler):
    kind = "customErrors"
    tags = {"customErrorMessages"}

    def parse_spec(self, loader, part: CustomErrorPart, element):
        messages = []
        for m in part.custom_error_messages:
            parts = parse_template(m.error_message or "")
            for path in template_refs(parts):
                loader.ref(path, element.name)
            field = m.field_selection if m.is_field_error else None
            if field:
                loader.field(
                    loader.sobject(loader.flow.start.object if loader.flow.start else None, element.name),
                    field,
                    element.name,
                )
            messages.append((parts, field))
        if not messages:
            loader.fail(element.name, "a custom error needs at least one message")
        return messages

    def run(self, runtime, element, interviews):
        for iv in interviews:
            rendered = [(iv.render(parts), field) for parts, field in element.spec]
            iv.status = "failed"
            iv.failed_element = element.name
            iv.error = " ".join(message for message, _ in rendered)
            iv.custom_error = (iv.error, [field for _, field in rendered if field])
