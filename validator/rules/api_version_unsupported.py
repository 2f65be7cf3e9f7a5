"""`<apiVersion>` outside what orgs accept and the vendored WSDL describes: 31.0 to 66.0
(sources in generator.facts.salesforce_limits)."""

from generator.facts.salesforce_limits import OLDEST_API_VERSION, WSDL_API_VERSION, api_version_supported
from sfmeta.xml import child, line_of
from validator.rules.base import Rule


class ApiVersionUnsupported(Rule):
    id = "api-version-unsupported"
    # Enforced by a Salesforce deploy: a deploy refuses an apiVersion the org does not serve.
    enforced_at_deploy = True
    scope = "file"
    message = f"Every apiVersion is between {OLDEST_API_VERSION}.0 and {WSDL_API_VERSION}.0."
    hint = (
        f"Use a Metadata API version from {OLDEST_API_VERSION}.0 (older ones are retired) to "
        f"{WSDL_API_VERSION}.0 (the schema sfpay validates against)."
    )

    def check(self, file, context):
        if file.root is None:
            return
        node = child(file.root, "apiVersion")
        if node is None or node.text is None:
            return
        if not api_version_supported(node.text.strip()):
            yield self.finding(file.display, line_of(node), f"apiVersion `{node.text.strip()}` is not supported")
