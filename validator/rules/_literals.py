"""Literal values in a flow (strings, formulas, templates), for the hard-coded value rules."""

from sfmeta.xml import local

# Where a literal can hide: constant values, formula bodies, template text, conditions.
_LITERAL_TAGS = frozenset({"stringValue", "expression", "text", "filterFormula", "formulaExpression"})


def literals(flow):
    """(element name or None, text, line) of every literal string value in the flow."""
    for top in flow.root:
        owner_tag = local(top.tag)
        if not owner_tag or owner_tag == "processMetadataValues":
            continue
        owner = None
        for node in top.iter():
            tag = local(node.tag)
            if tag == "name" and node.getparent() is top:
                owner = (node.text or "").strip()
            if tag in _LITERAL_TAGS and node.text and node.text.strip():
                yield owner, node.text, node.sourceline or 0
