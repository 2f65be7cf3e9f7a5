"""Every reference a Flow makes, and what each one resolves to.

References appear as `elementReference`-like elements (`Get_Account.Name`) and as merge
fields inside text (`{!$Record.Amount}` in formulas, templates and strings). Resolving one
means: the first segment names an element, a resource or a global (`$Record`, `$Flow`...),
and every further segment is a field of what the previous one holds: an sObject's field,
a relationship, or a field of a connector action's output model.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from sfmeta.xml import child, children, line_of, local, stripped

REFERENCE_TAGS = frozenset(
    {
        "elementReference",
        "leftValueReference",
        "assignToReference",
        "assignNextValueToReference",
        "collectionReference",
        "inputReference",
        "outputReference",
        "assignRecordIdToReference",
        "choiceReferences",
        "defaultSelectedChoiceReference",
    }
)
# Text that is documentation, not evaluated: merge-field syntax there is not a reference.
_NON_EVALUATED_TAGS = frozenset({"description", "label", "interviewLabelDescription"})
_BUILDER_METADATA = "processMetadataValues"
MERGE_FIELD = re.compile(r"\{!\s*([^{}\s]+?)\s*\}")

# $Flow globals, from Salesforce Help "Flow Resource: Global Variables" / "$Flow".
FLOW_GLOBALS = {
    name.lower(): name
    for name in (
        "ActiveStages",
        "CurrentDate",
        "CurrentDateTime",
        "CurrentRecord",
        "CurrentStage",
        "FaultMessage",
        "InterviewGuid",
        "InterviewStartTime",
    )
}
GLOBAL_CONSTANTS = {"true", "false", "emptystring"}
# Globals whose members come from org configuration we cannot see offline.
OPEN_GLOBALS = {
    "$api",
    "$client",
    "$custommetadata",
    "$label",
    "$organization",
    "$permission",
    "$profile",
    "$setup",
    "$system",
    "$user",
    "$userrole",
    "$orchestrator",
}
_KIND_WORDS = {
    "formulas": "a formula",
    "constants": "a constant",
    "textTemplates": "a text template",
    "choices": "a choice",
    "stages": "a stage",
    "dynamicChoiceSets": "a choice set",
}


class Reference(NamedTuple):
    text: str
    line: int
    element: str | None  # the flow element the reference sits in, when any


class FieldUse(NamedTuple):
    object: str
    field: str  # may be a dotted relationship path
    line: int
    where: str


class Problem(NamedTuple):
    """Why a reference does not resolve. `object`/`field` are set when a field is missing."""

    message: str
    object: str | None = None
    field: str | None = None


# `iter()` filters: matched by lxml in C, in any namespace.
_REFERENCE_PATTERNS = tuple(sorted("{*}" + tag for tag in REFERENCE_TAGS))


def references(flow):
    """Every reference in the flow, in document order."""
    # Reading an element's tag costs more than reading its text: the reference elements are
    # found in C, and other elements' tags are read only when their text holds `{!`.
    # (Reference elements inside an element's builder metadata count, as they always have.)
    holders = set(flow.root.iter(*_REFERENCE_PATTERNS))
    for top in children(flow.root):
        if local(top.tag) == _BUILDER_METADATA:
            continue
        owner = stripped(top, "name")
        for node in top.iter():
            raw = node.text
            if raw is None:
                continue
            if node in holders:
                value = raw.strip()
                if value:
                    yield Reference(value, line_of(node), owner)
                continue
            if "{!" not in raw:
                continue
            tag = local(node.tag)
            if not tag or tag in _NON_EVALUATED_TAGS:
                continue
            if tag == _BUILDER_METADATA or (tag == "stringValue" and _inside_builder_metadata(node, top)):
                continue
            base = line_of(node)
            for match in MERGE_FIELD.finditer(raw):
                line = base + raw.count("\n", 0, match.start())
                yield Reference(match.group(1), line, owner)


def _inside_builder_metadata(node, top) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not top:
        if local(parent.tag) == _BUILDER_METADATA:
            return True
        parent = parent.getparent()
    return False


def record_field_uses(flow, resolver):
    """Fields named directly (not as references) by record elements and the start element."""
    start = flow.start
    if start is not None and flow.trigger_object:
        for condition in children(start, "filters"):
            name = stripped(condition, "field")
            if name:
                yield FieldUse(flow.trigger_object, name, line_of(child(condition, "field")), "start filter")
        for path in children(start, "scheduledPaths"):
            name = stripped(path, "recordField")
            if name:
                yield FieldUse(flow.trigger_object, name, line_of(child(path, "recordField")), "scheduled path")
    for element in flow.nodes():
        if element.kind not in ("recordLookups", "recordCreates", "recordUpdates", "recordDeletes"):
            continue
        object_name = element.get("object")
        if not object_name:
            reference = element.get("inputReference")
            object_name = resolver.object_of(reference) if reference else None
        if not object_name:
            continue
        for group in ("filters", "inputAssignments", "outputAssignments"):
            for item in children(element.node, group):
                name = stripped(item, "field")
                if name:
                    yield FieldUse(object_name, name, line_of(child(item, "field")), f"{element.name} {group}")
        for tag in ("queriedFields", "sortField"):
            for item in children(element.node, tag):
                if item.text and item.text.strip():
                    yield FieldUse(object_name, item.text.strip(), line_of(item), f"{element.name} {tag}")


class Resolver:
    def __init__(self, flow, index, catalog):
        self.flow, self.index, self.catalog = flow, index, catalog

    # -- what a name holds ----------------------------------------------------------
    def object_of(self, reference: str) -> str | None:
        """The sObject type a reference holds, when it holds a record (or record collection)."""
        head = reference.split(".")[0]
        if head.lower() in ("$record", "$record__prior") and "." not in reference:
            return self.flow.trigger_object
        element = self.flow.element(head)
        if element is None or "." in reference:
            return None
        if element.kind == "variables" and element.get("dataType") == "SObject":
            return element.get("objectType")
        if element.kind == "recordLookups":
            return element.get("object")
        if element.kind == "loops":
            collection = element.get("collectionReference")
            return self.object_of(collection) if collection else None
        return None

    def field_of(self, reference: str):
        """The FieldInfo a reference ends on (`$Record.Stage__c`, `Get_Opp.Account.Type`), if known."""
        parts = reference.split(".")
        if len(parts) < 2:
            return None
        head = parts[0].lower()
        if head in ("$record", "$record__prior"):
            object_name = self.flow.trigger_object
        elif head.startswith("$"):
            return None
        else:
            object_name = self.object_of(parts[0])
        return self.field_on(object_name, parts[1:])

    def field_on(self, object_name: str | None, fields: list[str]):
        for relationship in fields[:-1]:
            info = self.index.object(object_name)
            object_name = info.relationships.get(relationship.lower()) if info else None
        return self.index.field(object_name, fields[-1]) if object_name else None

    # -- resolution -----------------------------------------------------------------
    def resolve(self, reference: str) -> Problem | None:
        parts = [p for p in reference.split(".")]
        if any(not p for p in parts):
            return Problem(f"`{reference}` is not a valid reference")
        head = parts[0]
        lowered = head.lower()
        if lowered.startswith("$"):
            return self._resolve_global(reference, parts)
        element = self.flow.element(head)
        if element is None:
            return Problem(
                f"`{reference}`: the flow has no element or resource named `{head}`{self._did_you_mean(head)}"
            )
        rest = parts[1:]
        if not rest:
            return None
        kind = element.kind
        if kind == "variables":
            data_type = element.get("dataType")
            if data_type == "SObject":
                return self.walk_object(reference, element.get("objectType"), rest)
            if data_type == "Apex":
                model = element.get("apexClass")
                if model and self.catalog.model_fields(model) is not None:
                    return self._walk_model(reference, head, model, rest)
                return None
            return Problem(
                f"`{reference}`: `{head}` is a {data_type or 'untyped'} variable and has no field `{rest[0]}`"
            )
        if kind in ("recordLookups", "loops"):
            object_name = self.object_of(head)
            return self.walk_object(reference, object_name, rest) if object_name else None
        if kind == "actionCalls":
            action_name = element.get("actionName") or ""
            if element.get("actionType") == "apex" and self.catalog.owns(action_name):
                action = self.catalog.action(action_name)
                if action is None or not action.returns:
                    return None  # an unknown action is its own finding
                return self._walk_model(reference, head, action.returns, rest)
            return None
        if kind in _KIND_WORDS:
            return Problem(f"`{reference}`: `{head}` is {_KIND_WORDS[kind]} and has no field `{rest[0]}`")
        return None

    def _resolve_global(self, reference: str, parts: list[str]) -> Problem | None:
        head = parts[0].lower()
        if head in ("$record", "$record__prior"):
            if not self.flow.has_record:
                return Problem(f"`{reference}`: `{parts[0]}` exists only in flows that start from a record")
            if head == "$record__prior" and not self.flow.has_prior_record:
                return Problem(
                    f"`{reference}`: `$Record__Prior` exists only in flows triggered on update "
                    f"(this one triggers on {self.flow.record_trigger_type or 'no record change'})"
                )
            if len(parts) == 1:
                return None
            return self.walk_object(reference, self.flow.trigger_object, parts[1:])
        if head == "$flow":
            if len(parts) != 2 or parts[1].lower() not in FLOW_GLOBALS:
                return Problem(
                    f"`{reference}` is not a $Flow global (known: {', '.join(sorted(FLOW_GLOBALS.values()))})"
                )
            return None
        if head == "$globalconstant":
            if len(parts) != 2 or parts[1].lower() not in GLOBAL_CONSTANTS:
                return Problem(f"`{reference}` is not a global constant (True, False, EmptyString)")
            return None
        if head in OPEN_GLOBALS:
            return None
        return Problem(f"`{reference}`: unknown global variable `{parts[0]}`")

    def walk_object(self, reference: str, object_name: str | None, fields: list[str]) -> Problem | None:
        if not object_name:
            return None
        info = self.index.object(object_name)
        if info is None:
            return Problem(
                f"`{reference}`: object `{object_name}` is neither in objects/ nor in the known fields list",
                object_name,
                fields[0],
            )
        name = fields[0]
        if len(fields) == 1:
            if info.field(name) is None:
                return Problem(f"`{reference}`: `{object_name}` has no field `{name}`", object_name, name)
            return None
        target = info.relationships.get(name.lower())
        if target is None:
            return Problem(f"`{reference}`: `{object_name}` has no relationship `{name}`", object_name, name)
        return self.walk_object(reference, target, fields[1:])

    def _walk_model(self, reference: str, owner: str, model: str, fields: list[str]) -> Problem | None:
        model_fields = self.catalog.model_fields(model)
        if model_fields is None:
            return None
        found = model_fields.get(fields[0].lower())
        if found is None:
            import difflib

            names = [declared for declared, _ in model_fields.values()]
            close = difflib.get_close_matches(fields[0], names, n=1, cutoff=0.6)
            suggestion = f"; did you mean `{close[0]}`?" if close else ""
            return Problem(f"`{reference}`: the output of `{owner}` ({model}) has no field `{fields[0]}`{suggestion}")
        if len(fields) == 1:
            return None
        declared, field_type = found
        if field_type.startswith("List<"):
            return None
        if self.catalog.model_fields(field_type) is None:
            return Problem(f"`{reference}`: `{declared}` of {model} is a {field_type} and has no field `{fields[1]}`")
        return self._walk_model(reference, owner, field_type, fields[1:])

    def _did_you_mean(self, name: str) -> str:
        import difflib

        names = [e.name for e in self.flow.elements.values()]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
        return f"; did you mean `{close[0]}`?" if close else ""
