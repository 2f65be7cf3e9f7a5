"""Literal values in a flow (strings, formulas, templates), for the hard-coded value rules."""

from sfmeta.xml import local

# Where a literal can hide: constant values, formula bodies, template text, conditions.
_LITERAL_TAGS = frozenset({"stringValue", "expression", "text", "filterFormula", "formulaExpression"})


# `iter()` filter: the `name` children that set the owner, and the literals, matched in C
# (in any namespace) and in document order.
_PATTERNS = ("{*}name", *sorted("{*}" + tag for tag in _LITERAL_TAGS))


def literals(flow):
    """(element name or None, text, line) of every literal string value in the flow.

    The owner is the element's `name` once that child has been passed: literals before it
    (Salesforce writes `inputParameters` before `name`) have none."""
    for top in flow.root:
        owner_tag = local(top.tag)
        if not owner_tag or owner_tag == "processMetadataValues":
            continue
        owner = None
        for node in top.iter(*_PATTERNS):
            text = node.text
            if local(node.tag) == "name":
                if node.getparent() is top:
                    owner = (text or "").strip()
            elif text and text.strip():
                yield owner, text, node.sourceline or 0
