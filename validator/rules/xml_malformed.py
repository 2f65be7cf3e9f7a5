from validator.rules.base import Rule


class XmlMalformed(Rule):
    id = "xml-malformed"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    scope = "file"
    message = "Every metadata file is well-formed XML."
    hint = "Fix the XML syntax at the reported line (unclosed tag, stray character, bad entity)."

    def check(self, file, context):
        if file.parse_error is not None:
            yield self.finding(file.display, file.parse_error.line, file.parse_error.message)
