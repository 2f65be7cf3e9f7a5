"""Checks a deploy zip must pass before the core loads it; each returns component failures.

1. Every XML file is well-formed (line and column of the first error).
2. The checks the server was assembled with (`create_app(..., deploy_checks=...)`): the
   code that builds the server injects them (sfpay/local/org_serve.py gives `sfpay org serve` the
   project's validator, restricted to the rules Salesforce enforces at deploy). orgsim
   itself knows no validator: a server built without checks has only 1 and 3.
3. The core's own loader (`org.deploy_zip(..., check_only=True)`), which may still refuse
   what it cannot emulate; its errors become failures too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from sfmeta.xml import MD_NS

log = logging.getLogger("orgsim.server.deploy")


@dataclass(frozen=True)
class Failure:
    file_name: str  # path inside the zip, root folder included (what Salesforce reports)
    problem: str
    line: int | None = None
    column: int | None = None
    problem_type: str = "Error"


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def well_formed(files: dict[str, bytes], prefix: str) -> list[Failure]:
    """Every XML file parses, without a DOCTYPE (metadata has none; an entity declaration is
    refused here, before any check or the core sees the file)."""
    failures = []
    for name, data in sorted(files.items()):
        if not _is_xml(name):
            continue
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            line, column = exc.position if exc.position else (None, None)
            failures.append(Failure(prefix + name, f"Error parsing file: {exc.msg}", line, column))
            continue
        if root.getroottree().docinfo.doctype:
            failures.append(
                Failure(prefix + name, "Error parsing file: a DOCTYPE declaration is not allowed in metadata", 1)
            )
    return failures


def safe_component_names(files: dict[str, bytes], prefix: str) -> list[Failure]:
    """The fullName of each component inside an .object file (fields, record types, ...)
    names a file once the package is laid out as source (the validator's deploy check writes
    objects/X/fields/<fullName>.field-meta.xml): one that is not a plain name, such as
    `../../../tmp/x`, is refused before any check writes anything."""
    from orgsim.metadata.zipread import printable, unsafe_name

    failures = []
    for name, data in sorted(files.items()):
        if not (name.startswith("objects/") and name.endswith(".object")):
            continue
        root = etree.fromstring(data, _PARSER)  # well-formed: checked first
        for child in root:
            if not isinstance(child.tag, str):
                continue
            full_name = child.find(f"{{{MD_NS}}}fullName")
            if full_name is None or not full_name.text:
                continue
            value = full_name.text.strip()
            if "/" in value or value.startswith(".") or unsafe_name(value):
                failures.append(
                    Failure(
                        prefix + name,
                        f"invalid fullName '{printable(value)}' of <{etree.QName(child).localname}>: "
                        "a component name is a plain name, without '/', '\\' or a leading '.'",
                        full_name.sourceline,
                    )
                )
    return failures


def _is_xml(name: str) -> bool:
    if name.endswith(".email"):
        return False  # template body: text, not XML
    return name.endswith(
        (
            ".xml",
            ".flow",
            ".object",
            ".workflow",
            ".permissionset",
            ".layout",
            ".profile",
            ".flowDefinition",
            ".tab",
            ".app",
            ".flexipage",
            ".quickAction",
            ".permissionsetgroup",
            ".labels",
            ".md",
        )
    )


# A deploy check: (the zip's files by path under its root folder, that root folder, the
# fields the org already has by object) -> failures. A zip may hold flows that use fields
# deployed earlier, hence the known fields.
DeployCheck = Callable[[dict[str, bytes], str, dict[str, list[str]]], list[Failure]]


def known_fields(org: Any) -> dict[str, list[str]]:
    known = {}
    for entry in org.describe_global()["sobjects"]:
        known[entry["name"]] = [f["name"] for f in org.describe(entry["name"])["fields"]]
    return known


def injected(files: dict[str, bytes], prefix: str, org: Any, deploy_checks: tuple[DeployCheck, ...]) -> list[Failure]:
    """The failures of the server's injected checks, the first check that fails wins."""
    if not deploy_checks:
        return []
    known = known_fields(org)
    for check in deploy_checks:
        try:
            failures = check(files, prefix, known)
        except Exception as exc:  # a crashing check fails the deploy (closed), never a 500
            log.exception("deploy check %s crashed", getattr(check, "__name__", check))
            return [Failure(prefix + "package.xml", f"the deploy check failed: {type(exc).__name__}: {exc}")]
        if failures:
            return failures
    return []
