"""The SOQL source the REST query endpoints use: the core org, plus the server's setup objects
(PermissionSet, PermissionSetAssignment) and child relationships for `(SELECT ... FROM Children)`.

Child relationship names follow Salesforce's standard naming (the child object's plural, e.g.
User.PermissionSetAssignments, Account.Opportunities); they are listed for the non-system
lookups of standard and setup objects. Custom child relationships (`Foo__r` on the child side)
are not known to the core, so a subquery on them fails closed with INVALID_TYPE.
"""

from __future__ import annotations

from orgsim.server.permsets import VIRTUAL_OBJECTS, PermissionSets

SYSTEM_LOOKUPS = {"CreatedById", "LastModifiedById", "OwnerId"}


def _plural(name: str) -> str:
    return name[:-1] + "ies" if name.endswith("y") and name[-2:-1] not in "aeiou" else name + "s"


class ServerQuerySource:
    def __init__(self, org, permsets: PermissionSets):
        self.org = org
        self.clock = org.clock
        self.permsets = permsets
        self._scratch = None

    def _virtual(self):
        if self._scratch is None:
            self._scratch = self.permsets.scratch()
        return self._scratch

    @staticmethod
    def _is_virtual(sobject: str) -> bool:
        return sobject.lower() in {v.lower() for v in VIRTUAL_OBJECTS}

    def describe(self, sobject: str) -> dict:
        if self._is_virtual(sobject):
            describe = self.permsets.schema().get(sobject).describe()
        else:
            describe = self.org.describe(sobject)
        return {**describe, "childRelationships": self._children(describe["name"])}

    def _children(self, parent: str) -> list[dict]:
        schema = self.permsets.schema()
        candidates = [o for o in self.org.schema.objects.values() if not o.custom]
        candidates += [schema.get(name) for name in VIRTUAL_OBJECTS]
        out = []
        for child in candidates:
            links = [
                f
                for f in child.fields.values()
                if f.reference_to == parent and f.name not in SYSTEM_LOOKUPS and f.type == "reference"
            ]
            if len(links) == 1:  # two lookups to one parent would need names the core does not keep
                out.append(
                    {
                        "relationshipName": _plural(child.name),
                        "childSObject": child.name,
                        "field": links[0].name,
                        "cascadeDelete": False,
                        "deprecatedAndHidden": False,
                    }
                )
        return out

    def select(self, sobject, fields, predicate=None, order_by=None, limit=None, offset=None):
        if self._is_virtual(sobject):
            schema, store = self._virtual()
            return store.select(schema, schema.get(sobject), fields, predicate, order_by, limit, offset)
        return self.org.select(sobject, fields, predicate, order_by, limit, offset)

    def count(self, sobject, predicate=None):
        if self._is_virtual(sobject):
            schema, store = self._virtual()
            return store.count(schema, schema.get(sobject), predicate)
        return self.org.count(sobject, predicate)
