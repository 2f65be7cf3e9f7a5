"""The org server's deploy check: the project's validator over a Metadata API zip.

Injected into the org server by the code that assembles it (`sfpay org serve`, registered in
sfpay/local/org_serve.py); orgsim itself imports no validator. Only the rules that declare
`enforced_at_deploy = True` run (validator/rules/base.py, docs/validator.md): the deploy
endpoint refuses what a real org refuses, and `sfpay validate` keeps reporting the rest.

The validator reads source format, so the zip is laid out as a package directory first:
`flows/X.flow` -> `flows/X.flow-meta.xml`, and each `objects/X.object` is decomposed into
`objects/X/X.object-meta.xml` plus one file per field, record type, business process and
validation rule. Findings are mapped back to the zip's file names and line numbers: a
decomposed child keeps its inner lines (its element is written verbatim from line 2), and the
object file keeps its own lines because each removed child is replaced by a comment spanning
the same number of lines.
"""

from __future__ import annotations

import functools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from orgsim.server.deploy.checks import DeployCheck, Failure
from sfmeta.xml import MD_NS, XmlSyntaxError, parse

OBJECT_CHILDREN = {
    "fields": ("CustomField", "fields", "field"),
    "recordTypes": ("RecordType", "recordTypes", "recordType"),
    "businessProcesses": ("BusinessProcess", "businessProcesses", "businessProcess"),
    "validationRules": ("ValidationRule", "validationRules", "validationRule"),
    "listViews": ("ListView", "listViews", "listView"),
}
HEADER = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def not_enforced_by_deploy() -> frozenset[str]:
    """Ids of the rules a Salesforce deploy does not enforce (each rule says so itself)."""
    from validator.rules import RULES

    return frozenset(rule.id for rule in RULES if not rule.enforced_at_deploy)


@dataclass
class _Origin:
    zip_name: str
    line_offset: int = 0  # zip line = finding line + offset


def _source_name(relative: str) -> str | None:
    parts = relative.split("/")
    if relative == "package.xml" or relative.startswith("destructiveChanges"):
        return None
    if parts[0] == "email":
        if len(parts) == 2 and relative.endswith("-meta.xml"):
            return f"email/{parts[1][: -len('-meta.xml')]}.emailFolder-meta.xml"
        return relative  # template body and its -meta.xml keep their names
    if relative.endswith("-meta.xml"):
        return relative
    return relative + "-meta.xml"


def _decompose_object(data: bytes, relative: str, target: Path, origins: dict[str, _Origin], zip_name: str) -> None:
    root = parse(data)
    obj = Path(relative).name[: -len(".object")]
    folder = target / "objects" / obj
    for child in list(root):
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag not in OBJECT_CHILDREN:
            continue
        type_name, sub, suffix = OBJECT_CHILDREN[tag]
        name_el = child.find(f"{{{MD_NS}}}fullName")
        name = (name_el.text or "").strip() if name_el is not None else ""
        if not name:
            continue  # the core's loader reports a child without fullName, with its line
        line = child.sourceline or 1
        span = etree.tostring(child).count(b"\n")
        child.tag = f"{{{MD_NS}}}{type_name}"
        child.tail = None
        path = _inside(target, folder / sub / f"{name}.{suffix}-meta.xml")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(HEADER + etree.tostring(child) + b"\n")
        origins[str(path.resolve())] = _Origin(zip_name, line - 2)
        placeholder = etree.Comment(" decomposed " + "\n" * span)
        placeholder.tail = None
        root.replace(child, placeholder)
    path = folder / f"{obj}.object-meta.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(HEADER + etree.tostring(root) + b"\n")
    origins[str(path.resolve())] = _Origin(zip_name, (root.sourceline or 2) - 2)


def validator_check_in(connector_namespace: str | None) -> DeployCheck:
    """`validator_check` with the Stripe connector installed under `connector_namespace` (the
    org server's settings: the spec's stripe.namespace; None: the connector catalog's own)."""
    return functools.partial(validator_check, connector_namespace=connector_namespace)


def _inside(root: Path, path: Path) -> Path:
    """`path`, if it stays under `root`. The org server refuses unsafe zip names and component
    names before this check runs (orgsim/metadata/zipread.py); this is the second lock."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise ValueError(f"refusing to write {path} outside the deploy's temporary folder")
    return resolved


def validator_check(
    files: dict[str, bytes],
    prefix: str,
    known_fields: dict[str, list[str]] | None = None,
    *,
    connector_namespace: str | None = None,
) -> list[Failure]:
    """A `DeployCheck` (orgsim/server/deploy/checks.py): the validator's ERROR findings of
    the rules Salesforce enforces at deploy, at the zip's file names and lines."""
    from validator.config import Config
    from validator.engine import validate
    from validator.findings import Severity

    with tempfile.TemporaryDirectory(prefix="orgsim-deploy-") as tmp:
        target = Path(tmp) / "main" / "default"
        origins: dict[str, _Origin] = {}
        for relative, data in files.items():
            zip_name = prefix + relative
            if relative.startswith("objects/") and relative.endswith(".object"):
                try:
                    _decompose_object(data, relative, target, origins, zip_name)
                except XmlSyntaxError:
                    pass  # reported by the well-formedness check
                continue
            name = _source_name(relative)
            if name is None:
                continue
            path = _inside(target, target / name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            origins[str(path.resolve())] = _Origin(zip_name)
        target.mkdir(parents=True, exist_ok=True)  # a zip of package.xml alone has no files
        config = Config(
            disabled=set(not_enforced_by_deploy()),
            known_fields=dict(known_fields or {}),
            connector_namespace=connector_namespace,
        )
        report = validate(target, config)
        failures = []
        for finding in report.findings:
            if finding.severity is not Severity.ERROR:
                continue
            origin = origins.get(os.path.abspath(finding.file))
            if origin is None:
                origin = _Origin(prefix + finding.file)
            line = finding.line + origin.line_offset if finding.line else None
            failures.append(Failure(origin.zip_name, f"{finding.message} [{finding.rule_id}]", line, None))
        return failures
