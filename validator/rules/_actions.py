"""Shared by the action input rules: the catalog entry and inputs of a connector action call."""

from sfmeta.xml import child, children, line_of, stripped


def connector_calls(flow, context):
    """(element, catalog action) for every call of a known connector action."""
    for element in flow.nodes():
        if element.kind != "actionCalls" or element.get("actionType") != "apex":
            continue
        name = element.get("actionName") or ""
        if context.catalog.owns(name):
            action = context.catalog.action(name)
            if action is not None:
                yield element, action


def input_parameters(element):
    """(name, line, has_value) for each inputParameters of an action call."""
    for parameter in children(element.node, "inputParameters"):
        name = stripped(parameter, "name") or ""
        value = child(parameter, "value")
        has_value = value is not None and any((item.text or "").strip() for item in value)
        yield name, line_of(child(parameter, "name"), line_of(parameter)), has_value
