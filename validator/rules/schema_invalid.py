"""Each metadata file against the Metadata API v66 schema (element order, types, enumerations)."""

import re

from sfmeta.xml import MD_NS, local
from validator.rules.base import Rule

_NS_IN_MESSAGE = re.compile(r"\{" + re.escape(MD_NS) + r"\}")
_ELEMENT_PREFIX = re.compile(r"^Element '([^']+)'(?:, attribute '[^']+')?: ")


class SchemaInvalid(Rule):
    id = "schema-invalid"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    scope = "file"
    message = "Every metadata file matches its type in the Metadata API schema (WSDL v66)."
    hint = (
        "Child elements must appear in the order of the type's xsd:sequence, with known names "
        "and values; compare with the type in the Metadata API Developer Guide."
    )

    def check(self, file, context):
        root = file.root
        if root is None:
            return
        expected = file.kind.type_name
        namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
        if local(root.tag) != expected or namespace != MD_NS:
            where = "" if namespace == MD_NS else f" in namespace `{namespace or '(none)'}`"
            yield self.finding(
                file.display,
                root.sourceline or 1,
                f"root element is `{local(root.tag)}`{where}, expected `{expected}` in namespace {MD_NS}",
                f'A `{file.relative.name}` file holds one {expected}: <{expected} xmlns="{MD_NS}">.',
            )
            return
        schema = context.schema
        if schema is None or schema.validate(root.getroottree()):
            return
        for error in schema.error_log:
            if "No matching global declaration" in error.message:
                yield self.finding(
                    file.display,
                    error.line,
                    f"the Metadata API v66 schema has no type `{expected}`",
                    "Check the file suffix and root element; the type may be newer than API v66 or misspelt.",
                )
                continue
            yield self.finding(file.display, error.line, _readable(error.message))


def _readable(message: str) -> str:
    """libxml2's message without namespace noise: `Element 'actionName': This element is not expected...`."""
    message = _NS_IN_MESSAGE.sub("", message)
    return message.rstrip(".") + "."
