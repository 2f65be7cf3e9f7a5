"""What the whole source tree (plus known org facts) defines: objects, fields, alerts, templates.

Rules ask this index, not the files, whether `Opportunity.Stripe_Invoice_ID__c` exists or
which template the alert `Opportunity.Payment_Reminder` sends.
"""

from __future__ import annotations

from typing import NamedTuple

from sfmeta.connector_package import ConnectorPackage
from sfmeta.record import Record
from sfmeta.xml import child, children, line_of, local, stripped
from sfpay.paths import resource  # noqa: E402
from validator.source_tree import MetadataFile, SourceTree

KNOWN_FIELDS_PATH = resource("validator", "data", "known_fields.yml")


class FieldInfo(NamedTuple):
    name: str
    object: str
    origin: str  # "source tree" or where the known-fields data says it comes from
    file: MetadataFile | None = None
    line: int = 0
    type: str | None = None
    required: bool = False
    reference_to: str | None = None
    relationship_name: str | None = None
    picklist_values: tuple[str, ...] | None = None  # API names of a picklist's own value set
    restricted: bool = False

    @property
    def is_custom(self) -> bool:
        return self.name.endswith("__c")


class ObjectInfo(Record):
    __slots__ = _fields = ("name", "fields", "relationships", "in_tree")

    def __init__(
        self,
        name: str,
        fields: dict[str, FieldInfo] | None = None,  # by lower-case name
        relationships: dict[str, str] | None = None,  # lower-case name -> object
        in_tree: bool = False,
    ) -> None:
        self.name = name
        self.fields = {} if fields is None else fields
        self.relationships = {} if relationships is None else relationships
        self.in_tree = in_tree

    def field(self, name: str) -> FieldInfo | None:
        return self.fields.get(name.lower())

    def add(self, info: FieldInfo) -> None:
        self.fields.setdefault(info.name.lower(), info)


class AlertInfo(NamedTuple):
    object: str
    name: str
    template: str | None
    file: MetadataFile
    line: int
    template_line: int


class ProjectIndex:
    def __init__(
        self,
        tree: SourceTree,
        extra_known_fields: dict[str, list[str]] | None = None,
        package: ConnectorPackage | None = None,
    ) -> None:
        """`package`: the Stripe connector package's objects and fields (sfmeta), in the
        namespace the project installs the connector under; None: no connector."""
        self.tree = tree
        self._package = package
        self.objects: dict[str, ObjectInfo] = {}
        self.alerts: dict[str, AlertInfo] = {}  # "opportunity.alert_name"
        self.email_templates: set[str] = set()  # "folder/name", lower-case
        self.apex_classes: set[str] = set()
        self._load_known(extra_known_fields or {})
        self._load_tree()

    # -- queries --------------------------------------------------------------------
    def object(self, name: str | None) -> ObjectInfo | None:
        return self.objects.get(name.lower()) if name else None

    def field(self, object_name: str, field_name: str) -> FieldInfo | None:
        info = self.object(object_name)
        return info.field(field_name) if info else None

    def custom_fields_in_tree(self) -> list[FieldInfo]:
        return [f for o in self.objects.values() for f in o.fields.values() if f.file is not None and f.is_custom]

    # -- loading --------------------------------------------------------------------
    def _object_for(self, name: str) -> ObjectInfo:
        key = name.lower()
        if key not in self.objects:
            self.objects[key] = ObjectInfo(name)
        return self.objects[key]

    def _load_known(self, extra: dict[str, list[str]]) -> None:
        data = load_known_fields()
        system = data.get("custom_object_system_fields", {})
        for name, body in (data.get("objects") or {}).items():
            info = self._object_for(name)
            source = body.get("source", "known fields data")
            for field_name in body.get("fields") or []:
                info.add(FieldInfo(field_name, name, source))
            for rel, target in (body.get("relationships") or {}).items():
                info.relationships[rel.lower()] = target
        if self._package is not None:
            for package_object in self._package.objects:
                info = self._object_for(package_object.name)
                for package_field in package_object.fields:
                    info.add(FieldInfo(package_field.name, info.name, package_object.source))
                self._add_system_fields(info, system)
            for added in self._package.standard_object_fields:
                self._object_for(added.object).add(FieldInfo(added.field.name, added.object, added.source))
        for object_name, field_names in extra.items():
            info = self._object_for(object_name)
            for field_name in field_names:
                info.add(FieldInfo(field_name, object_name, ".sfpay-validate.yml known_fields"))
        self._system = system

    @staticmethod
    def _add_system_fields(info: ObjectInfo, system: dict) -> None:
        for field_name in system.get("fields") or []:
            info.add(FieldInfo(field_name, info.name, system.get("source", "")))
        for rel, target in (system.get("relationships") or {}).items():
            info.relationships.setdefault(rel.lower(), target)

    def _load_tree(self) -> None:
        for item in self.tree.files:
            type_name = item.kind.type_name
            if item.root is None or local(item.root) != type_name:
                continue  # malformed or the wrong type: reported by the file rules
            if type_name == "CustomObject":
                info = self._object_for(item.name)
                info.in_tree = True
                if item.name.endswith("__c") or item.name.endswith("__mdt"):
                    self._add_system_fields(info, self._system)
                # Metadata API format keeps fields inside the object file.
                for node in children(item.root, "fields"):
                    self._add_field(item, info.name, node)
            elif type_name == "CustomField":
                object_name = item.relative.parts[-3]
                info = self._object_for(object_name)
                if object_name.endswith("__c"):
                    self._add_system_fields(info, self._system)
                self._add_field(item, object_name, item.root, default_name=item.name)
            elif type_name == "Workflow":
                for alert in children(item.root, "alerts"):
                    name = stripped(alert, "fullName")
                    if not name:
                        continue
                    template_node = next(iter(children(alert, "template")), None)
                    self.alerts[f"{item.name}.{name}".lower()] = AlertInfo(
                        item.name,
                        name,
                        stripped(alert, "template"),
                        item,
                        line_of(alert),
                        line_of(template_node, line_of(alert)),
                    )
            elif type_name == "EmailTemplate":
                folder = item.relative.parts[-2] if len(item.relative.parts) >= 2 else ""
                self.email_templates.add(f"{folder}/{item.name}".lower())
            elif type_name == "ApexClass":
                self.apex_classes.add(item.name.lower())

    def _add_field(self, item: MetadataFile, object_name: str, node, default_name: str | None = None) -> None:
        name = stripped(node, "fullName") or default_name
        if not name:
            return
        if "." in name:  # Metadata API format: Object.Field
            name = name.split(".", 1)[1]
        value_set = child(node, "valueSet")
        definition = child(value_set, "valueSetDefinition") if value_set is not None else None
        values = None
        if definition is not None:
            values = tuple(stripped(value, "fullName") or "" for value in children(definition, "value"))
        info = FieldInfo(
            name,
            object_name,
            "source tree",
            item,
            line_of(node),
            type=stripped(node, "type"),
            required=stripped(node, "required") == "true",
            reference_to=stripped(node, "referenceTo"),
            relationship_name=stripped(node, "relationshipName"),
            picklist_values=values,
            restricted=value_set is not None and stripped(value_set, "restricted") == "true",
        )
        target = self._object_for(object_name)
        target.fields[name.lower()] = info  # the tree wins over known data
        if info.reference_to and info.relationship_name:
            target.relationships[f"{info.relationship_name}__r".lower()] = info.reference_to


_KNOWN_CACHE: dict | None = None


def load_known_fields() -> dict:
    global _KNOWN_CACHE
    if _KNOWN_CACHE is None:
        from validator.cache import yaml_as_json

        _KNOWN_CACHE = yaml_as_json(KNOWN_FIELDS_PATH) or {}
    return _KNOWN_CACHE
