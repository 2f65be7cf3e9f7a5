"""`sfpay validate`: kept cheap to import; the validator loads inside the command."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    app.command(
        "validate",
        help=(
            "Check an SFDX source tree before it leaves the laptop: Metadata API schema (v66), "
            "flow semantics (connectors, references, callout context, fault paths, connector "
            "actions) and cross-file references. Exit 1 on errors (and on warnings with --strict)."
        ),
    )(validate_command)


def validate_command(
    path: Path = typer.Argument(Path("force-app"), help="Package directory, SFDX project root or single file."),
    output_format: str = typer.Option("text", "--format", "-f", help="text | json | sarif | junit"),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail the run too."),
    config_path: Optional[Path] = typer.Option(
        None, "--config", help="Configuration file (default: .sfpay-validate.yml in PATH or a parent)."
    ),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file instead of stdout."),
    list_rules: bool = typer.Option(False, "--list-rules", help="List the rule ids with severity and description, then exit."),
) -> None:
    import sys

    from validator.rules import BY_ID, RULES

    if list_rules:
        for rule in RULES:
            typer.echo(f"{rule.id:32} {rule.severity.value:8} {rule.scope:5} {rule.message}")
        raise typer.Exit(0)

    from validator.config import ConfigError, find_config, load_config
    from validator.engine import validate
    from validator.reporters import FORMATS, render
    from validator.source_tree import SourceTreeError

    if output_format not in FORMATS:
        _fail(f"unknown --format `{output_format}` (choose from {', '.join(FORMATS)})")
    try:
        chosen = config_path if config_path is not None else find_config(path if path.exists() else Path.cwd())
        if config_path is not None and not config_path.is_file():
            _fail(f"{config_path}: configuration file not found")
        config = load_config(chosen, set(BY_ID))
        report = validate(path, config)
    except (ConfigError, SourceTreeError) as exc:
        _fail(str(exc))
    except Exception as exc:  # installation problems: vendored data missing or unreadable
        from validator.catalog import CatalogError
        from validator.schema.wsdl_slice import WsdlError

        if isinstance(exc, (CatalogError, WsdlError)):
            _fail(str(exc))
        raise
    text = render(report, output_format, [r for r in RULES if r.id not in config.disabled])
    if output is not None:
        _write_atomically(output, text)
        if output_format != "text":
            sys.stderr.write(render(report, "text", RULES).splitlines()[-1] + "\n")
    else:
        sys.stdout.write(text)
    raise typer.Exit(1 if report.failed(strict) else 0)


def _fail(message: str) -> None:
    import sys

    sys.stderr.write(f"sfpay validate: error: {message}\n")
    raise typer.Exit(1)


def _write_atomically(path: Path, text: str) -> None:
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
