"""`{!` inside a literal string value of a flow (issue 14, item 6).

The generator writes record references as `elementReference` and never puts Flow's merge
syntax in a `stringValue`; spec text carrying `{!` is refused at load (generator/spec/checks.py).
A hand-edited tree can still hold one, e.g. a record filter on the Stripe Account name
`a{!$Record.Name}b`: the value is meant as text, but merge syntax in flow values is resolved
against record data (text templates and formulas are where merge fields belong:
https://help.salesforce.com/s/articleView?id=platform.flow_ref_resources_text_template.htm).
"""

from sfmeta.xml import local
from validator.rules.base import Rule

MERGE_SYNTAX = "{!"


class MergeSyntaxInValue(Rule):
    id = "merge-syntax-in-value"
    # Not enforced by a Salesforce deploy: the value is legal text; it just does not stay text.
    enforced_at_deploy = False
    message = "No Flow merge syntax `{!` inside a literal string value (filters, assignments, inputs, constants)."
    hint = (
        "Reference the resource with an elementReference (a formula or text template when text must be "
        "combined), or remove `{!` from the text; a spec refuses it in every string that lands in a flow."
    )

    def check(self, flow, context):
        for top in flow.root:
            owner = None
            # Only `name` and `stringValue` elements matter: lxml finds them in C, in document order.
            for node in top.iter("{*}name", "{*}stringValue"):
                tag = local(node.tag)
                if tag == "name" and node.getparent() is top:
                    owner = (node.text or "").strip()
                if tag == "stringValue" and node.text and MERGE_SYNTAX in node.text:
                    where = f" in `{owner}`" if owner else ""
                    yield self.finding(
                        flow.file.display,
                        node.sourceline or 0,
                        f"string value `{node.text}`{where} holds Flow merge syntax `{{!`: Flow would resolve it",
                    )
