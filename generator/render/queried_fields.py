"""Explicit `queriedFields` for every Get Records element, derived from the flow's references.

A lookup that stores its output automatically without `queriedFields` selects every field of
the object (Lightning Flow Scanner's GetRecordAllFields). Listing exactly the fields the flow
reads is cheaper and says what the flow depends on. The list is computed from the rendered
flow itself (element references, formulas, text templates), so it cannot fall out of step
with the templates; a relationship path through a lookup's output (`Get_X.Owner.Email`)
cannot be expressed as a queried field and is reported as an error.
"""

from __future__ import annotations

import re

from lxml import etree

from sfmeta.xml import MD_NS

_NS = {"m": MD_NS}


class QueriedFieldsError(ValueError):
    pass


def apply_queried_fields(flow: etree._Element, source: str) -> None:
    lookups = {
        element.findtext("m:name", namespaces=_NS): element
        for element in flow.iterfind("m:recordLookups", _NS)
        if element.findtext("m:storeOutputAutomatically", namespaces=_NS) == "true"
        and element.find("m:queriedFields", _NS) is None
    }
    if not lookups:
        return
    names = "|".join(re.escape(n) for n in sorted(lookups, key=len, reverse=True))
    reference = re.compile(rf"(?<![A-Za-z0-9_$])({names})\.([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+)*)")
    used: dict[str, set[str]] = {name: {"Id"} for name in lookups}
    for node in flow.iter():
        if not isinstance(node.tag, str) or not node.text:
            continue
        for match in reference.finditer(node.text):
            lookup, field, rest = match.groups()
            if rest:
                raise QueriedFieldsError(
                    f"{source}: reference {match.group(0)} traverses a relationship of lookup "
                    f"{lookup}; read the related record with its own lookup"
                )
            used[lookup].add(field)
    for name, element in lookups.items():
        if used[name] == {"Id"}:
            # Lightning Flow Scanner 6.6 reads a single <queriedFields> as no list and reports
            # "get all fields"; query the first filter field too (the flow already knows it).
            first_filter = element.findtext("m:filters/m:field", namespaces=_NS)
            if first_filter and first_filter != "Id":
                used[name].add(first_filter)
        for field in ["Id"] + sorted(used[name] - {"Id"}):
            etree.SubElement(element, f"{{{MD_NS}}}queriedFields").text = field
