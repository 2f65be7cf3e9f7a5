"""Component names Salesforce refuses: whitespace or control characters (a trailing newline
in a file name), and custom field names over 40 characters before `__c` (Salesforce Help,
"Custom Field Attributes": https://help.salesforce.com/s/articleView?id=platform.custom_field_attributes.htm).
"""

from generator.facts.salesforce_limits import CUSTOM_FIELD_NAME_LIMIT
from sfmeta.xml import children, line_of, stripped
from validator.rules.base import Rule


def _bad_characters(name: str) -> bool:
    return any(c.isspace() or ord(c) < 32 for c in name)


class ApiNameInvalid(Rule):
    id = "api-name-invalid"
    # Enforced by a Salesforce deploy: a deploy refuses component names with whitespace or control characters.
    enforced_at_deploy = True
    scope = "file"
    message = "Component and alert names hold no whitespace, and custom field names fit Salesforce's 40 characters."
    hint = "Rename the file (and its fullName) to a plain API name: letters, digits and single underscores."

    def check(self, file, context):
        name = file.name
        if _bad_characters(name):
            yield self.finding(file.display, 0, f"the name {name!r} contains whitespace or a control character")
        if file.kind.type_name == "CustomField" and name.endswith("__c"):
            base = name.removesuffix("__c").split("__")[-1]
            if len(base) > CUSTOM_FIELD_NAME_LIMIT:
                yield self.finding(
                    file.display,
                    0,
                    f"custom field `{name}` has {len(base)} characters before __c "
                    f"(Salesforce allows {CUSTOM_FIELD_NAME_LIMIT})",
                )
        if file.kind.type_name == "Workflow" and file.root is not None:
            for alert in children(file.root, "alerts"):
                alert_name = stripped(alert, "fullName") or ""
                # stripped() strips, so look at the raw element for surrounding whitespace.
                raw = next(iter(children(alert, "fullName")), None)
                raw_text = raw.text if raw is not None and raw.text else ""
                if _bad_characters(alert_name) or raw_text != raw_text.strip():
                    yield self.finding(
                        file.display, line_of(raw, line_of(alert)), f"email alert name {raw_text!r} contains whitespace"
                    )
