"""Convert an SFDX source tree to a Metadata API (mdapi) folder, offline, in Python.

CumulusCI's `deploy` task converts SFDX source by shelling out to the Salesforce CLI
(`sf project convert source`). The Salesforce CLI is a large Node install that CI and
a laptop may not have, so the pipeline converts the source itself and hands CumulusCI an
mdapi folder (one with `package.xml`), which CumulusCI deploys without any CLI.

The conversion also remembers where every component came from, so a deploy error that
Salesforce reports against `objects/Opportunity.object` line 40 can be shown to the user as
`force-app/main/default/objects/Opportunity/fields/Stripe_Invoice_ID__c.field-meta.xml` line 3.
"""

from __future__ import annotations

import functools
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from sfmeta.xml import MD_NS, XmlSyntaxError, parse

META_SUFFIX = "-meta.xml"


class ConversionError(Exception):
    """A source file the converter cannot turn into Metadata API format (user error)."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class SourceRef:
    """Where one component of the mdapi folder came from."""

    source: Path  # the SFDX source file
    mdapi_file: str  # path inside the mdapi folder, '/'-separated
    mdapi_first_line: int  # first line of this component in mdapi_file
    mdapi_last_line: int  # last line (inclusive); 0 means "to the end of the file"
    source_first_line: int  # the line in `source` that mdapi_first_line corresponds to

    def source_line(self, mdapi_line: int | None) -> int | None:
        if not mdapi_line:
            return None
        if mdapi_line < self.mdapi_first_line:
            return None
        if self.mdapi_last_line and mdapi_line > self.mdapi_last_line:
            return None
        return self.source_first_line + (mdapi_line - self.mdapi_first_line)


@dataclass
class Conversion:
    """The result: an mdapi folder plus the map back to the source."""

    root: Path
    api_version: str
    members: dict[str, set[str]] = field(default_factory=dict)
    components: dict[tuple[str, str], SourceRef] = field(default_factory=dict)
    files: dict[str, list[SourceRef]] = field(default_factory=dict)

    def add(self, type_name: str, member: str, ref: SourceRef) -> None:
        self.members.setdefault(type_name, set()).add(member)
        self.components[(type_name, member)] = ref
        self.files.setdefault(ref.mdapi_file, []).append(ref)

    def locate(
        self, component_type: str | None, full_name: str | None, file_name: str | None, line: int | None
    ) -> tuple[Path | None, int | None]:
        """Map a component failure (as Salesforce reports it) back to a source file and line."""
        file_key = _normalise_mdapi_name(file_name) if file_name else None
        ref = self.components.get((component_type or "", full_name or ""))
        if ref is None and file_key in self.files:
            candidates = self.files[file_key]
            ref = next((r for r in candidates if r.source_line(line)), candidates[0])
        if ref is None:
            return None, None
        return ref.source, ref.source_line(line)


def _normalise_mdapi_name(file_name: str) -> str:
    # CumulusCI's REST deploy puts the package under "metadata/"; SOAP deploys use
    # "unpackaged/" or no prefix at all.
    name = file_name.replace("\\", "/")
    for prefix in ("metadata/", "unpackaged/"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@functools.lru_cache(maxsize=1)
def _custom_object_order() -> dict[str, int]:
    """Child element order of CustomObject, from the vendored Metadata API WSDL (the order
    Salesforce itself writes on retrieve)."""
    from sfmeta import wsdl
    from sfpay.paths import WSDL_PATH

    names = [child.name for child in wsdl.load(WSDL_PATH).type_table().sequence("CustomObject")]
    return {name: index for index, name in enumerate(names)}


def convert_source(
    source_dir: Path,
    out_dir: Path,
    api_version: str,
    *,
    flow_status: str | None = None,
    display_root: Path | None = None,
) -> Conversion:
    """Convert `source_dir` (an SFDX package directory such as force-app) into `out_dir`.

    `flow_status`, if given, replaces every flow's top-level <status> in the converted copy
    (the source is never touched): the production sequence deploys flows as Draft and
    activates them afterwards. `display_root` makes the recorded source paths relative
    (to the project root) for messages.
    """
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise ConversionError(source_dir, f"source folder not found: {source_dir.resolve()}")
    out_dir.mkdir(parents=True, exist_ok=True)
    conversion = Conversion(root=out_dir, api_version=api_version)
    objects: dict[str, _ObjectParts] = {}

    def shown(path: Path) -> Path:
        if display_root is not None:
            try:
                return path.resolve().relative_to(display_root.resolve())
            except ValueError:
                return path
        return path

    for path in sorted(p for p in source_dir.rglob("*") if p.is_file()):
        if path.name.startswith(".") or any(part.startswith(".") for part in path.relative_to(source_dir).parts):
            continue  # .DS_Store, .gitkeep, .forceignore, editor folders
        relative = PurePosixPath(path.relative_to(source_dir).as_posix())
        _classify(path, shown(path), relative, out_dir, conversion, objects, flow_status)

    for object_name in sorted(objects):
        _write_object(object_name, objects[object_name], out_dir, conversion)

    if not conversion.members:
        raise ConversionError(source_dir, "no metadata files found")
    _write_package_xml(out_dir, conversion)
    return conversion


@dataclass
class _ObjectParts:
    object_file: tuple[Path, Path] | None = None  # (real path, shown path)
    # (tag under <CustomObject>, package.xml type, member, real path, shown path)
    children: list[tuple[str, str, str, Path, Path]] = field(default_factory=list)


# Types whose source is more than "an XML file, maybe with one content file" (zipped or
# multi-file bundles): refused by name rather than deployed wrongly.
UNSUPPORTED_TYPES = frozenset({"StaticResource", "LightningComponentBundle", "AuraDefinitionBundle"})
EMAIL_FOLDER_TYPE = "EmailFolder"


def _classify(
    path: Path,
    shown: Path,
    relative: PurePosixPath,
    out_dir: Path,
    conversion: Conversion,
    objects: dict[str, _ObjectParts],
    flow_status: str | None,
) -> None:
    """Place one source file in the mdapi folder. Which metadata type a file is comes from the
    shared registry of SFDX file kinds (`sfmeta.metadata_types`), so `sfpay validate`
    and the deploy agree on what a tree contains."""
    from sfmeta.metadata_types import component_name, resolve

    resolved = resolve(relative)
    if resolved.problem:
        raise ConversionError(shown, resolved.problem)
    kind = resolved.kind
    if kind is None or kind.type_name in UNSUPPORTED_TYPES:
        what = kind.type_name if kind else "bundle member"
        raise ConversionError(
            shown, f"{what} files are not supported by sfpay's converter; deploy them with `sf project deploy start`"
        )
    parts = relative.parts
    foldered = kind.foldered  # members are "<Folder>/<Name>"
    folder = "/".join(parts[-3:-1]) if foldered else parts[-2]

    if not resolved.is_metadata_xml:  # the content file of a type with one (email body, Apex source)
        if not path.with_name(path.name + META_SUFFIX).is_file():
            raise ConversionError(shown, f"content file without its {path.name}{META_SUFFIX}")
        relative_out = f"{folder}/{path.name}"
        _write(out_dir / relative_out, path.read_bytes())
        conversion.files.setdefault(relative_out, []).append(SourceRef(shown, relative_out, 1, 0, 1))
        return

    member = component_name(relative)
    data = path.read_bytes()
    if kind.parent_folder:
        object_name = parts[-3]
        objects.setdefault(object_name, _ObjectParts()).children.append(
            (kind.parent_folder, kind.type_name, member, path, shown)
        )
        return
    if kind.type_name == "CustomObject":
        if member != parts[-2]:
            raise ConversionError(shown, f"object file must be named {parts[-2]}.object-meta.xml")
        objects.setdefault(member, _ObjectParts()).object_file = (path, shown)
        return
    _parse(shown, data)  # malformed XML is the user's error, reported with the file
    if kind.type_name == EMAIL_FOLDER_TYPE:
        # Folders are members of the type they hold; their file is "<Folder>-meta.xml".
        relative_out, type_name = f"{parts[-2]}/{member}{META_SUFFIX}", "EmailTemplate"
    elif kind.content_suffix:
        if not path.with_name(f"{member}.{kind.content_suffix}").is_file():
            raise ConversionError(shown, f"{kind.type_name} {member} has no {member}.{kind.content_suffix}")
        relative_out, type_name = f"{folder}/{path.name}", kind.type_name
        member = f"{parts[-2]}/{member}" if foldered else member
    else:
        relative_out, type_name = f"{folder}/{member}.{kind.suffix}", kind.type_name
        if kind.type_name == "Flow" and flow_status:
            data = _set_flow_status(shown, data, flow_status)
    _write(out_dir / relative_out, data)
    conversion.add(type_name, member, SourceRef(shown, relative_out, 1, 0, 1))


def _parse(path: Path, data: bytes) -> etree._Element:
    try:
        root = parse(data, remove_blank_text=True)
    except XmlSyntaxError as exc:
        raise ConversionError(path, f"line {exc.line}: malformed XML: {exc.message}") from None
    if etree.QName(root).namespace != MD_NS:
        raise ConversionError(path, f"root element must be in the namespace {MD_NS}")
    return root


def _set_flow_status(path: Path, data: bytes, status: str) -> bytes:
    """Rewrite the flow's own <status> (a direct child of <Flow>) and nothing else, keeping the
    file byte-for-byte otherwise."""
    root = parse(data)
    statuses = root.findall(f"{{{MD_NS}}}status")
    if len(statuses) != 1:
        raise ConversionError(path, "a flow must have exactly one top-level <status> element")
    line_index = statuses[0].sourceline - 1
    lines = data.split(b"\n")
    old = f">{statuses[0].text}</".encode()
    if lines[line_index].count(old) != 1:
        raise ConversionError(path, f"line {line_index + 1}: <status> must be on one line")
    lines[line_index] = lines[line_index].replace(old, f">{status}</".encode())
    return b"\n".join(lines)


def _write_object(object_name: str, parts: _ObjectParts, out_dir: Path, conversion: Conversion) -> None:
    order = _custom_object_order()
    root = etree.Element(f"{{{MD_NS}}}CustomObject", nsmap={None: MD_NS})
    origins: list[tuple[etree._Element, str | None, str | None, Path, int]] = []

    if parts.object_file is not None:
        real, shown = parts.object_file
        source_root = _parse(shown, real.read_bytes())
        for child in list(source_root):
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag not in order:
                raise ConversionError(shown, f"line {child.sourceline}: <{tag}> is not a CustomObject element")
            root.append(child)
            origins.append((child, None, None, shown, child.sourceline))

    for tag, type_name, member, real, shown in parts.children:
        source_root = _parse(shown, real.read_bytes())
        wrapper = etree.SubElement(root, f"{{{MD_NS}}}{tag}")
        full_name = source_root.find(f"{{{MD_NS}}}fullName")
        if full_name is None:
            etree.SubElement(wrapper, f"{{{MD_NS}}}fullName").text = member
        elif full_name.text != member:
            raise ConversionError(
                shown,
                f"line {full_name.sourceline}: fullName {full_name.text!r} does not match the file name {member!r}",
            )
        for child in list(source_root):
            if isinstance(child.tag, str):
                wrapper.append(child)
        origins.append((wrapper, type_name, f"{object_name}.{member}", shown, source_root.sourceline))

    def sort_key(entry):
        element = entry[0]
        tag = etree.QName(element).localname
        full_name = element.findtext(f"{{{MD_NS}}}fullName") or ""
        return (order.get(tag, len(order)), full_name)

    origins.sort(key=sort_key)
    for element, *_ in origins:
        root.append(element)  # re-appending moves it into sorted position

    etree.indent(root, space="    ")
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    data = data.replace(b"<?xml version='1.0' encoding='UTF-8'?>", b'<?xml version="1.0" encoding="UTF-8"?>', 1)
    relative = f"objects/{object_name}.object"
    _write(out_dir / relative, data)

    # Line numbers of each component in the merged file, for mapping errors back.
    merged = parse(data)
    merged_children = [c for c in merged if isinstance(c.tag, str)]
    total_lines = data.count(b"\n")
    for index, (element, origin_type, origin_member, shown, source_line) in enumerate(origins):
        first = merged_children[index].sourceline
        last = merged_children[index + 1].sourceline - 1 if index + 1 < len(merged_children) else total_lines - 1
        ref = SourceRef(shown, relative, first, last, source_line)
        if origin_type is None or origin_member is None:
            conversion.files.setdefault(relative, []).append(ref)
        else:
            conversion.add(origin_type, origin_member, ref)
    if parts.object_file is not None:
        real, shown = parts.object_file
        conversion.members.setdefault("CustomObject", set()).add(object_name)
        conversion.components[("CustomObject", object_name)] = SourceRef(shown, relative, 1, 0, 1)


def _write_package_xml(out_dir: Path, conversion: Conversion) -> None:
    root = etree.Element(f"{{{MD_NS}}}Package", nsmap={None: MD_NS})
    for type_name in sorted(conversion.members):
        types = etree.SubElement(root, f"{{{MD_NS}}}types")
        for member in sorted(conversion.members[type_name]):
            etree.SubElement(types, f"{{{MD_NS}}}members").text = member
        etree.SubElement(types, f"{{{MD_NS}}}name").text = type_name
    etree.SubElement(root, f"{{{MD_NS}}}version").text = conversion.api_version
    etree.indent(root, space="    ")
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    data = data.replace(b"<?xml version='1.0' encoding='UTF-8'?>", b'<?xml version="1.0" encoding="UTF-8"?>', 1)
    _write(out_dir / "package.xml", data)


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def clear(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def convert_source_to_files(source_dir: Path, api_version: str) -> dict[str, bytes]:
    """The Metadata API form of `source_dir` in memory: {path inside the package: content}.

    For callers that build deploy zips themselves (the org server's tests and benchmark)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sfpay-mdapi-") as tmp:
        out_dir = Path(tmp)
        convert_source(source_dir, out_dir, api_version)
        return {p.relative_to(out_dir).as_posix(): p.read_bytes() for p in sorted(out_dir.rglob("*")) if p.is_file()}


def zip_package(files: dict[str, bytes], root_folder: str = "") -> bytes:
    """A deterministic zip of `files` (fixed timestamps, sorted), optionally under a root folder
    as CumulusCI packs its REST deploys (`metadata/`)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(root_folder + name, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, files[name], zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
