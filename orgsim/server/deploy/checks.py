"""Checks a deploy zip must pass before the core loads it; each returns component failures.

1. Every XML file is well-formed (line and column of the first error).
2. The project's validator (schema of the Metadata API WSDL, flow rules, cross-file checks)
   over the zip converted to source format, when the validator package is installed.
The core's own loader runs last (`org.deploy_zip(..., check_only=True)`) and may still refuse
what it cannot emulate; its errors become failures too.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree


@dataclass(frozen=True)
class Failure:
    file_name: str  # path inside the zip, root folder included (what Salesforce reports)
    problem: str
    line: int | None = None
    column: int | None = None
    problem_type: str = "Error"


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def well_formed(files: dict[str, bytes], prefix: str) -> list[Failure]:
    failures = []
    for name, data in sorted(files.items()):
        if not _is_xml(name):
            continue
        try:
            etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            line, column = exc.position if exc.position else (None, None)
            failures.append(Failure(prefix + name, f"Error parsing file: {exc.msg}", line, column))
    return failures


def _is_xml(name: str) -> bool:
    if name.endswith(".email"):
        return False  # template body: text, not XML
    return name.endswith((".xml", ".flow", ".object", ".workflow", ".permissionset", ".layout", ".profile",
                          ".flowDefinition", ".tab", ".app", ".flexipage", ".quickAction", ".permissionsetgroup",
                          ".labels", ".md"))


def validator_findings(files: dict[str, bytes], prefix: str, org) -> list[Failure]:
    """Run `validator` over the zip's files, knowing the fields the org already has (a zip
    may hold flows that use fields deployed earlier); [] when the validator is not installed."""
    try:
        from orgsim.server.deploy.validate_zip import run_validator
    except ImportError:
        return []
    known = {}
    for entry in org.describe_global()["sobjects"]:
        known[entry["name"]] = [f["name"] for f in org.describe(entry["name"])["fields"]]
    return run_validator(files, prefix, known)
