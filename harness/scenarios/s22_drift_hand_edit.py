from harness.scenario import Scenario, register
from harness.targets.base import Capability


def _rendered_update_flow(ctx) -> tuple[str, bytes]:
    """The update flow's API name and XML as the spec renders it (what was reviewed and deployed)."""
    from pathlib import Path

    from generator.render.engine import render
    from generator.spec.loader import load_spec

    spec = load_spec(Path(ctx.spec.spec_path))
    name = getattr(spec.flows, "update").api_name  # Flows is built from the flow-kind table
    files = render(spec)
    path = next(p for p in files if p.endswith(f"flows/{name}.flow-meta.xml"))
    return name, files[path]


def _hand_edit(ctx, flow: bytes) -> tuple[bytes, str]:
    """One change an admin makes in Flow Builder (a text template's wording), plus what Flow
    Builder does on any save (elements moved on the canvas). Returns the XML and the element."""
    from lxml import etree

    from sfmeta.xml import MD_NS, parse

    root = parse(flow)
    template = root.find(f"{{{MD_NS}}}textTemplates")
    if template is None:
        ctx.skip("the spec's update flow has no text template to edit")
    name = template.findtext(f"{{{MD_NS}}}name")
    text = template.find(f"{{{MD_NS}}}text")
    text.text = (text.text or "") + " (edited in production)"
    for location in root.iter(f"{{{MD_NS}}}locationX"):
        location.text = str(int(location.text or "0") + 24)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8"), f"textTemplates {name}"


@register
class DriftHandEdit(Scenario):
    name = "drift-hand-edit"
    number = 22
    title = "A flow fixed by hand in production is reported by sfpay drift"
    description = (
        "`sfpay drift` retrieves the org's components through CumulusCI and finds none differing from the spec. "
        "A new version of the update flow is saved with one changed text template and every element moved on "
        "the canvas, as Flow Builder saves it: drift exits 1 and names exactly that flow and that element, with "
        "the new active version, and not the canvas positions. Saving the reviewed version back makes it clean."
    )
    requires = frozenset({Capability.FLOW_EDIT})

    def steps(self, ctx) -> str:
        from harness.scenarios._operate import run_json

        code, before = run_json(ctx, "drift")
        ctx.check(
            code == 0 and not before["findings"],
            f"drift before the edit: exit {code}, {[(f['name'], f['kind'], f['summary']) for f in before['findings']]}",
        )
        ctx.check(before["mode"] == "read-only", f"drift ran in mode {before['mode']!r}")
        name, reviewed = _rendered_update_flow(ctx)
        edited, element = _hand_edit(ctx, reviewed)
        saved = ctx.target.save_flow_version(name, edited)
        ctx.note("salesforce", f"Flow {name} saved by hand", f"version {saved['version']}, {saved['status']}")
        try:
            code, after = run_json(ctx, "drift")
            found = [(f["type"], f["name"], f["kind"]) for f in after["findings"]]
            ctx.check(code == 1 and found == [("Flow", name, "differs")], f"drift after the edit: exit {code}, {found}")
            changes = [(e["element"], e["change"]) for e in after["findings"][0]["elements"]]
            ctx.check(changes == [(element, "changed")], f"drift reported elements {changes}, expected {element}")
            diff = "\n".join(after["findings"][0]["elements"][0]["diff"])
            ctx.check("(edited in production)" in diff, f"the element diff does not show the edit: {diff}")
            versions = {f["name"]: (f["active_version"], f["latest_version"]) for f in after["flows"]}
            ctx.check(
                versions.get(name) == (saved["version"], saved["version"]),
                f"drift shows versions {versions.get(name)} for {name}, expected version {saved['version']} active",
            )
        finally:
            restored = ctx.target.save_flow_version(name, reviewed)  # the reviewed flow, as a new version
        code, clean = run_json(ctx, "drift")
        ctx.check(code == 0, f"drift after saving the reviewed flow back: exit {code}, {clean['findings']}")
        return (
            f"drift found the hand edit of {name} (element {element}, version {saved['version']} active) and "
            f"ignored canvas moves; clean again with version {restored['version']}"
        )
