"""Render a spec into the SFDX source tree: {relative path: bytes}.

Every XML file goes through the canonicalizer; flows also get their canvas layout. The
result is a pure function of the spec (and the templates), byte for byte.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from generator.canonical import CanonicalError, canonical_xml
from generator.flow_kinds import FLOW_KINDS
from generator.render.context import Context, build_context
from generator.spec.model import Spec

if TYPE_CHECKING:
    import jinja2

SOURCE_ROOT = "main/default"


@lru_cache(maxsize=4)
def _environment(templates_dir: Path) -> jinja2.Environment:
    """One Jinja2 environment per templates directory: compiled templates are cached in it."""
    import jinja2
    from markupsafe import Markup, escape

    def element(tag: str, text: object) -> Markup:
        return Markup(f"<{tag}>{escape(text)}</{tag}>")

    def bool_text(value: bool) -> str:
        return "true" if value else "false"

    extensions = ["jinja2.ext.do"]
    # Everything that changes what a template compiles to, for the bytecode cache's file names.
    settings = f"trim_blocks lstrip_blocks keep_trailing_newline {extensions}"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=lambda name: name is not None and name.endswith(".xml.j2"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=extensions,
        bytecode_cache=_bytecode_cache(settings),
    )
    env.globals.update(
        s=lambda v: element("stringValue", v),
        n=lambda v: element("numberValue", v),
        b=lambda v: element("booleanValue", bool_text(v)),
        r=lambda v: element("elementReference", v),
        b_text=bool_text,
    )
    return env


def _bytecode_cache(settings: str) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs: compiling the templates is most of a cold
    `sfpay generate` (issue 17). Jinja checks each entry against its template's source (and
    the Python version); the parser settings and Jinja's version go into the file names, which
    Jinja does not check. None (compile every run) when there is no usable cache folder."""
    import hashlib

    import jinja2

    from sfpay import user_cache

    # Never load compiled code from a folder someone else owns (sfpay.user_cache.private_folder).
    folder = user_cache.private_folder(user_cache.root() / "templates")
    if folder is None:
        return None
    tag = hashlib.sha256(f"{jinja2.__version__}\0{settings}".encode()).hexdigest()[:12]
    return jinja2.FileSystemBytecodeCache(str(folder), pattern=f"jinja-{tag}-%s.cache")


def render(spec: Spec, templates_dir: Path | None = None) -> dict[str, bytes]:
    from sfpay.paths import TEMPLATES_DIR

    env = _environment(templates_dir or TEMPLATES_DIR)
    ctx = build_context(spec)
    base = ctx.as_template_vars()
    files: dict[str, bytes] = {}

    def xml(template: str, out: str, is_flow: bool = False, **extra: object) -> None:
        path = f"{SOURCE_ROOT}/{out}"
        text = env.get_template(template).render(**base, **extra)
        files[path] = _canonical(text, path, is_flow)

    for kind in FLOW_KINDS:
        names = getattr(spec.flows, kind.key)
        xml(f"flows/{kind.template}", f"flows/{names.api_name}.flow-meta.xml", is_flow=True)

    for field in ctx.fields:
        xml(
            "objects/field.field-meta.xml.j2",
            f"objects/{field.object}/fields/{field.api_name}.field-meta.xml",
            field=field,
        )
    if spec.record_types.create:
        bp = spec.record_types.business_process
        xml(
            "objects/businessProcess.businessProcess-meta.xml.j2",
            f"objects/Opportunity/businessProcesses/{bp.name}.businessProcess-meta.xml",
        )
        for rt in spec.record_types.types:
            xml(
                "objects/recordType.recordType-meta.xml.j2",
                f"objects/Opportunity/recordTypes/{rt.developer_name}.recordType-meta.xml",
                rt=rt,
            )

    ps = spec.permission_set
    xml("permissionsets/permissionset.permissionset-meta.xml.j2", f"permissionsets/{ps.name}.permissionset-meta.xml")
    xml("workflows/Opportunity.workflow-meta.xml.j2", "workflows/Opportunity.workflow-meta.xml")

    folder = spec.email_folder.name
    xml("email/folder.emailFolder-meta.xml.j2", f"email/{folder}.emailFolder-meta.xml")
    for reminder in ctx.reminders:
        name = reminder.spec.template_name
        xml("email/template.email-meta.xml.j2", f"email/{folder}/{name}.email-meta.xml", reminder=reminder)
        body = env.get_template("email/template.email.j2").render(**base, reminder=reminder)
        files[f"{SOURCE_ROOT}/email/{folder}/{name}.email"] = _text_file(body)
    return dict(sorted(files.items()))


def _text_file(text: str) -> bytes:
    """Email bodies: LF line endings, exactly one trailing newline."""
    return (text.replace("\r\n", "\n").rstrip("\n") + "\n").encode("utf-8")


def _canonical(text: str, path: str, is_flow: bool) -> bytes:
    from lxml import etree

    from generator.render.layout import LayoutError, apply_layout
    from generator.render.queried_fields import QueriedFieldsError, apply_queried_fields

    parser = etree.XMLParser(remove_blank_text=True, remove_comments=True)
    try:
        root = etree.fromstring(text.lstrip().encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise CanonicalError(f"{path}: rendered XML does not parse: {exc}") from exc
    if is_flow:
        try:
            apply_layout(root, path)
            apply_queried_fields(root, path)
        except (LayoutError, QueriedFieldsError) as exc:
            raise CanonicalError(str(exc)) from exc
    return canonical_xml(root, path)


__all__ = ["Context", "SOURCE_ROOT", "render"]
