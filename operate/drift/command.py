"""The body of `sfpay drift`: render the spec, retrieve the org's components through CumulusCI,
normalise both, compare, report. Read-only: a retrieve and a Tooling query change nothing."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from operate.reconcile.facts import ReconcileError
from sfpay.console import print_error

FORMATS = ("table", "json")


def main(*, org: str, spec: Path | None, output_format: str) -> int:
    from rich.console import Console

    from operate.cli import EXIT_CLEAN, EXIT_DIFFERENCES, EXIT_ERROR

    err = Console(stderr=True)
    try:
        if output_format not in FORMATS:
            raise ReconcileError(f"--format {output_format!r}: expected one of {', '.join(FORMATS)}")
        result = _run(org, spec, err)
    except ReconcileError as exc:
        print_error(str(exc))
        return EXIT_ERROR
    except Exception as exc:
        name = type(exc).__name__
        if not name.startswith(("Salesforce", "ConnectionError", "SSLError", "MetadataApi")):
            raise
        print_error(f"{name}: {exc}")
        return EXIT_ERROR
    if output_format == "json":
        json.dump(
            {
                "org": org,
                "mode": "read-only",
                "drift": result.drift,
                "compared": result.compared,
                "findings": [asdict(f) for f in result.findings],
                "flows": [asdict(f) for f in result.flows],
            },
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        _tables(result, Console(), err)
    return EXIT_DIFFERENCES if result.drift else EXIT_CLEAN


def _run(org: str, spec: Path | None, err: Any) -> Any:
    from operate.reconcile.connect import cci_org
    from sfpay.paths import state_dir
    from sfpay.project import ProjectError, discover

    try:
        project = discover(spec)
    except ProjectError as exc:
        raise ReconcileError(str(exc)) from None
    with cci_org(org, project.root, state_dir(project.root)) as (project_config, org_config, ca_bundle):
        err.print(
            f"drift: CumulusCI org {org} ({org_config.instance_url}) against {project.spec}: "
            "[bold]read-only[/bold] (a Metadata API retrieve and a Tooling API query; nothing is changed)",
            highlight=False,
        )
        return run_drift(project_config, org_config, ca_bundle, project.spec)


def run_drift(project_config: Any, org_config: Any, ca_bundle: str | None, spec_path: Path) -> Any:
    """One comparison of the spec at `spec_path` with the CumulusCI org `org_config`."""
    from operate.drift.compare import FlowVersion, compare
    from operate.drift.normalise import components, flow_status
    from operate.drift.sources import expected_files, flow_versions, retrieve, retrieve_manifest
    from operate.reconcile.connect import OrgSession, salesforce

    spec_model, expected = expected_files(spec_path)
    retrieved = retrieve(project_config, org_config, retrieve_manifest(expected), spec_model.api_version)
    sf = salesforce(OrgSession(org_config.instance_url, org_config.access_token, ca_bundle))
    expected_flows = {
        p.split("/", 1)[1][: -len(".flow")]: flow_status(data) for p, data in expected.items() if p.startswith("flows/")
    }
    versions = flow_versions(sf, list(expected_flows))
    org_flows = {
        p.split("/", 1)[1][: -len(".flow")]: flow_status(data)
        for p, data in retrieved.items()
        if p.startswith("flows/")
    }
    flows = [
        FlowVersion(name, status, org_flows.get(name), *versions.get(name, (None, None)))
        for name, status in sorted(expected_flows.items())
    ]
    spec_side = components(expected)
    owned = {name.split(".", 1)[1] for type_name, name in spec_side if type_name == "CustomField"}
    return compare(spec_side, components(retrieved), flows, owned)


def _tables(result: Any, out: Any, err: Any) -> None:
    from rich.table import Table

    flows = Table(title="Flows", title_justify="left")
    for column in ("flow", "spec", "org (latest version)", "active version", "latest version"):
        flows.add_column(column, overflow="fold")
    for f in result.flows:
        flows.add_row(
            f.name,
            f.expected_status or "-",
            f.org_status or "not in the org",
            str(f.active_version) if f.active_version is not None else "none",
            str(f.latest_version) if f.latest_version is not None else "-",
        )
    out.print(flows)
    if not result.findings:
        err.print(f"no drift: {result.compared} components match the spec", highlight=False)
        return
    table = Table(title="Drift", title_justify="left")
    for column in ("type", "component", "drift", "what"):
        table.add_column(column, overflow="fold")
    for f in result.findings:
        table.add_row(f.type, f.name, f.kind, f.summary)
    out.print(table)
    for f in result.findings:
        if not f.elements:
            continue
        out.print(f"\n[bold]{f.type} {f.name}[/bold]: {len(f.elements)} element(s) differ (- spec, + org)")
        for change in f.elements:
            out.print(f"  [bold]{change.element}[/bold] ({change.change})", highlight=False)
            for line in change.diff:
                if line.startswith(("---", "+++")):
                    continue
                style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
                out.print(f"    [{style}]{_escape(line)}[/{style}]", highlight=False)
    err.print(
        f"{len(result.findings)} difference(s) in {result.compared} components. "
        "Fix the org by deploying the spec again (`sfpay deploy`), or, if the change in the org is wanted, "
        "put it in the spec and regenerate.",
        highlight=False,
    )


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
