from sfmeta.xml import children, stripped
from validator.rules.base import Rule

# Field types Salesforce does not accept in fieldPermissions.
_NO_FLS_TYPES = {"MasterDetail"}


class PermsetFieldMissing(Rule):
    id = "permset-field-missing"
    # Not enforced by a Salesforce deploy: fields deploy without a permission set granting them; `sfpay validate` reports it.
    enforced_at_deploy = False
    scope = "tree"
    message = "A permission set in the tree grants read access to every new custom field."
    hint = (
        "Add <fieldPermissions> with <field>Object.Field__c</field> and <readable>true</readable> "
        "to the permission set; without it the field is invisible to users."
    )

    def check(self, tree, context):
        granted: set[str] = set()
        for item in tree.of_type("PermissionSet"):
            if item.root is None:
                continue
            for permission in children(item.root, "fieldPermissions"):
                if stripped(permission, "readable") == "true" or stripped(permission, "editable") == "true":
                    granted.add((stripped(permission, "field") or "").lower())
        for field in sorted(context.index.custom_fields_in_tree(), key=lambda f: (f.file.display, f.line)):
            if field.required or field.type in _NO_FLS_TYPES:
                continue  # required and master-detail fields are always visible; FLS cannot be set
            qualified = f"{field.object}.{field.name}"
            if qualified.lower() not in granted:
                yield self.finding(
                    field.file.display, field.line or 1, f"no permission set in the tree grants access to `{qualified}`"
                )
