from validator.rules.base import Rule


class EmailTemplateMissing(Rule):
    id = "email-template-missing"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    scope = "tree"
    message = "Every email alert's template exists under email/<Folder>/<Name>.email-meta.xml."
    hint = "Add the template (and its folder) to email/, or fix the alert's <template> (`Folder/TemplateName`)."

    def check(self, tree, context):
        index = context.index
        for alert in sorted(index.alerts.values(), key=lambda a: (a.file.display, a.line)):
            if not alert.template:
                continue  # the schema reports a missing <template>
            if alert.template.lower() not in index.email_templates:
                yield self.finding(
                    alert.file.display,
                    alert.template_line,
                    f"alert `{alert.object}.{alert.name}` uses template `{alert.template}`, which is not in email/",
                )
