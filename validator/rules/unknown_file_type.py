from validator.rules.base import Rule


class UnknownFileType(Rule):
    id = "unknown-file-type"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    scope = "tree"
    message = "Every file in the source tree is a metadata file of a known type."
    hint = (
        "Rename the file to `<Name>.<suffix>-meta.xml` of its type, move it out of the package "
        "directory, or list it in .forceignore if it must stay."
    )

    def check(self, tree, context):
        for item in tree.unresolved:
            yield self.finding(item.display, 0, f"cannot tell the metadata type: {item.reason}")
