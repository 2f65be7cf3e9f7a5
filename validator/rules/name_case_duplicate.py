"""Two components of one type and place whose names differ only in case.

Salesforce API names are case-insensitive (generator.facts.salesforce_limits cites the
source): `Profit` and `PROFIT` record types, `Paid` and `paid` picklist values, two alerts or
fields spelt in different cases are one name to the org, and the deploy fails on the second.
The spec checks refuse the same thing before generating; this holds a hand-edited tree to it.
"""

from sfmeta.xml import child, children, line_of, stripped
from validator.rules.base import Rule


class NameCaseDuplicate(Rule):
    id = "name-case-duplicate"
    # Enforced by a Salesforce deploy: API names are case-insensitive: a deploy refuses two that differ only in case.
    enforced_at_deploy = True
    scope = "tree"
    message = "No two components (fields, record types, flows, alerts, templates, picklist values) differ only in case."
    hint = "Rename or remove one of them: Salesforce treats both as the same name."

    def check(self, tree, context):
        first: dict[tuple, str] = {}
        for item in tree.files:
            key = (item.kind.type_name, str(item.relative.parent), item.name.lower())
            if key in first and first[key] != item.display:
                yield self.finding(
                    item.display, 0, f"{item.kind.type_name} `{item.name}` differs only in case from {first[key]}"
                )
            first.setdefault(key, item.display)
        for item in tree.files:
            if item.root is None:
                continue
            if item.kind.type_name == "Workflow":
                yield from self._within(item, children(item.root, "alerts"), "email alert")
            elif item.kind.type_name == "CustomField":
                value_set = child(item.root, "valueSet")
                definition = child(value_set, "valueSetDefinition") if value_set is not None else None
                if definition is not None:
                    yield from self._within(item, children(definition, "value"), "picklist value")

    def _within(self, item, nodes, kind):
        seen: dict[str, str] = {}
        for node in nodes:
            name = stripped(node, "fullName")
            if not name:
                continue
            other = seen.get(name.lower())
            if other is not None and other != name:
                yield self.finding(item.display, line_of(node), f"{kind} `{name}` differs only in case from `{other}`")
            seen.setdefault(name.lower(), name)
