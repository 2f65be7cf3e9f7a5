import re

from validator.rules.base import Rule

_URL = re.compile(r"\b(?:https?|ftp)://[^\s\"'<>)]+", re.IGNORECASE)


class HardcodedUrl(Rule):
    id = "hardcoded-url"
    # Not enforced by a Salesforce deploy: hard-coded URLs are legal flow values; `sfpay validate` reports it.
    enforced_at_deploy = False
    message = "No hard-coded URLs: hosts differ between sandbox and production."
    hint = (
        "Build URLs from {!$Api.Partner_Server_URL_...}/$Organization, a custom label or "
        "custom metadata, or take them from the spec; Stripe's hosted invoice URL comes from the action output."
    )

    def check(self, flow, context):
        for owner, value, line in context.literals(flow):
            for match in _URL.finditer(value):
                where = f" in `{owner}`" if owner else ""
                yield self.finding(
                    flow.file.display,
                    line + value.count("\n", 0, match.start()),
                    f"hard-coded URL `{match.group(0)}`{where}",
                )
