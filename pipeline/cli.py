"""`sfpay deploy` and `sfpay cci-env` (cheap to import: the work happens in pipeline.deploy_command)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("deploy")
    def deploy(
        org: str = typer.Option(..., "--org", help="CumulusCI org: local, or one from cci org connect."),
        check_only: bool = typer.Option(False, "--check-only", help="Check-only deploy: change nothing."),
        production: bool = typer.Option(False, "--production", help="RunLocalTests, flows inactive, then activated."),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="Also print CumulusCI's log lines."),
        spec: Optional[Path] = typer.Option(None, "--spec", help="Spec file. Default: the project's."),
        path: Optional[Path] = typer.Option(None, "--path", help="Folder to deploy. Default: force-app."),
    ) -> None:
        """Deploy with CumulusCI: check, validate, deploy, activate the flows, assign the
        permission set, smoke-check.

        Runs on the project found from the current folder (its cumulusci.yml and spec).
        """
        from pipeline.deploy_command import deploy as run

        raise typer.Exit(run(org, production=production, check_only=check_only, verbose=verbose, spec=spec, path=path))

    @app.command("cci-env")
    def cci_env(org: str = typer.Option("local", "--org", help="The registered local org.")) -> None:
        """Print `export` lines so a plain `cci` reaches the local org: eval "$(sfpay cci-env)"."""
        from pathlib import Path

        from pipeline.deploy_command import DeployCommandError, export_lines, find_project_root
        from sfpay.console import fail
        from sfpay.paths import state_dir

        try:
            lines = export_lines(org, state_dir(), find_project_root(Path.cwd()))
        except DeployCommandError as exc:
            fail(str(exc))
        typer.echo("\n".join(lines))
