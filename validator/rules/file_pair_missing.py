from validator.rules.base import Rule


class FilePairMissing(Rule):
    id = "file-pair-missing"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    scope = "tree"
    message = "Types with a content file (email templates, Apex, static resources) have both files."
    hint = "Keep `<Name>.<ext>` and `<Name>.<ext>-meta.xml` side by side in the same folder."

    def check(self, tree, context):
        for item in tree.missing_content:
            content = item.path.name.removesuffix("-meta.xml")
            yield self.finding(
                item.display, 0, f"content file `{content}` is missing next to this {item.kind.type_name}"
            )
        for display in tree.orphan_content:
            yield self.finding(display, 0, f"no `{display.rsplit('/', 1)[-1]}-meta.xml` next to this content file")
