"""What an SFDX source tree contains that a deployed org must show: flows (and the status
they are meant to run with), custom fields per object, permission sets.

The smoke check compares the org against this, and the generate task returns it so later
steps (activate_flow, assign_permission_sets) need no names written twice in cumulusci.yml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sfmeta.flow import Flow


@dataclass
class SourceInventory:
    flows: dict[str, str] = field(default_factory=dict)  # developer name -> status
    fields: dict[str, list[str]] = field(default_factory=dict)  # object -> field names
    permission_sets: list[str] = field(default_factory=list)

    @property
    def flow_names(self) -> list[str]:
        return sorted(self.flows)

    @property
    def active_flow_names(self) -> list[str]:
        return sorted(name for name, status in self.flows.items() if status == "Active")


def inventory(source_dir: Path) -> SourceInventory:
    result = SourceInventory()
    for path in sorted(source_dir.rglob("*.flow-meta.xml")):
        name = path.name[: -len(".flow-meta.xml")]
        result.flows[name] = Flow.from_bytes(path.read_bytes(), name).status or "Draft"
    for path in sorted(source_dir.rglob("*.field-meta.xml")):
        if path.parent.name == "fields" and path.parent.parent.parent.name == "objects":
            object_name = path.parent.parent.name
            result.fields.setdefault(object_name, []).append(path.name[: -len(".field-meta.xml")])
    result.permission_sets = sorted(
        p.name[: -len(".permissionset-meta.xml")] for p in source_dir.rglob("*.permissionset-meta.xml")
    )
    return result
