"""The two sides of `sfpay drift`: what the spec renders (in the Metadata API form `sfpay deploy`
sends) and what the org returns to a Metadata API retrieve through CumulusCI (the same
`RetrieveUnpackaged` task and SOAP calls for a real org and the local one), plus each flow's
version numbers from the Tooling API's FlowDefinition."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from operate.reconcile.facts import ReconcileError

FLOW_WILDCARD = "*"  # every flow of the org: a Save-As copy of an sfpay flow is drift too


def expected_files(spec_path: Path) -> tuple[Any, dict[str, bytes]]:
    """(spec, {mdapi path: bytes}) of what the spec renders, converted by the pipeline's converter."""
    from generator.errors import SpecError
    from generator.render.engine import render
    from generator.spec.loader import load_spec
    from pipeline.mdapi.convert import convert_source_to_files

    try:
        spec = load_spec(spec_path)
    except SpecError as exc:
        raise ReconcileError(str(exc)) from None
    except OSError as exc:
        raise ReconcileError(f"cannot read the spec {spec_path}: {exc}") from None
    with tempfile.TemporaryDirectory(prefix="sfpay-drift-") as tmp:
        root = Path(tmp) / "force-app"
        for name, data in render(spec).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return spec, convert_source_to_files(root, spec.api_version)


def retrieve_manifest(expected: dict[str, bytes]) -> bytes:
    """The spec's own package.xml with every flow of the org added (`*`), one element a line
    (CumulusCI strips the manifest's <Package> wrapper line by line)."""
    from lxml import etree

    from sfmeta.xml import MD_NS, parse

    root = parse(expected["package.xml"], remove_blank_text=True)
    for types in root.findall(f"{{{MD_NS}}}types"):
        if types.findtext(f"{{{MD_NS}}}name") == "Flow":
            wildcard = etree.Element(f"{{{MD_NS}}}members")
            wildcard.text = FLOW_WILDCARD
            types.insert(0, wildcard)
    etree.indent(root, space="    ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _retrieve_task() -> Any:
    """CumulusCI's RetrieveUnpackaged, minus one idle second: its status loop
    (`BaseMetadataApiCall._get_response`) reads checkRetrieveStatus, then sleeps its check
    interval before testing whether that status was final, so a retrieve that is done at the
    first check still waits 1 s. Here the interval after a final status (Done, Failed) is 0;
    while the retrieve is pending the checks keep CumulusCI's own interval and back-off."""
    from cumulusci.salesforce_api.metadata import ApiRetrieveUnpackaged
    from cumulusci.tasks.salesforce import RetrieveUnpackaged

    class NoSleepAfterFinal(ApiRetrieveUnpackaged):
        def _get_check_interval(self) -> float:
            return 0 if self.status in ("Done", "Failed") else super()._get_check_interval()

    class Retrieve(RetrieveUnpackaged):
        api_class = NoSleepAfterFinal

    return Retrieve


def retrieve(project_config: Any, org_config: Any, manifest: bytes, api_version: str) -> dict[str, bytes]:
    """Run CumulusCI's RetrieveUnpackaged on the org; {mdapi path: bytes} of what came back."""
    from cumulusci.core.config import TaskConfig

    RetrieveUnpackaged = _retrieve_task()
    with tempfile.TemporaryDirectory(prefix="sfpay-retrieve-") as tmp:
        package = Path(tmp) / "package.xml"
        package.write_bytes(manifest)
        out = Path(tmp) / "retrieved"
        task = RetrieveUnpackaged(
            project_config,
            TaskConfig({"options": {"package_xml": str(package), "path": str(out), "api_version": api_version}}),
            org_config,
            logger=_quiet_logger(),
        )
        try:
            task()
        except Exception as exc:  # noqa: BLE001 - CumulusCI's MetadataApiError, connection errors, ...
            raise ReconcileError(f"the Metadata API retrieve failed: {type(exc).__name__}: {exc}") from None
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _quiet_logger() -> Any:
    import logging

    logger = logging.getLogger("sfpay.drift.cumulusci")
    logger.propagate = False
    logger.addHandler(logging.NullHandler())
    return logger


def flow_versions(sf: Any, names: list[str]) -> dict[str, tuple[int | None, int | None]]:
    """{flow: (active version number or None, latest version number)} from the Tooling API."""
    if not names:
        return {}
    quoted = ", ".join("'" + n.replace("'", "\\'") + "'" for n in sorted(names))
    soql = (
        "SELECT DeveloperName, ActiveVersion.VersionNumber, LatestVersion.VersionNumber "
        f"FROM FlowDefinition WHERE DeveloperName IN ({quoted})"
    )
    from urllib.parse import quote

    rows = sf.toolingexecute(f"query/?q={quote(soql)}")["records"]
    out = {}
    for row in rows:
        active = (row.get("ActiveVersion") or {}).get("VersionNumber")
        latest = (row.get("LatestVersion") or {}).get("VersionNumber")
        out[row["DeveloperName"]] = (active, latest)
    return out
