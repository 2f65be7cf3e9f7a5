"""`sfpay generate`, `sfpay spec schema` and `sfpay diagram`.

Cheap to import: the spec model, Jinja2 and lxml load inside the command bodies.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Optional

import typer

from generator.command import HELP as GENERATE_HELP
from sfpay.self_parsing import register_self_parsing

if TYPE_CHECKING:
    from sfpay.project import Project

DEFAULT_OUT = Path("force-app")
DEFAULT_DIAGRAMS = Path("docs/flows")

spec_app = typer.Typer(help="Inspect the spec format.", no_args_is_help=True)


def _fail(lines: list[str]) -> NoReturn:
    import sys

    for line in lines:
        print(line, file=sys.stderr)
    raise typer.Exit(1)


def _project(spec: Path | None) -> Project:
    """The project found from the current folder (sfpay.project), or a one-line error."""
    from sfpay.project import ProjectError, discover

    try:
        return discover(spec)
    except ProjectError as exc:
        _fail([f"error: {exc}"])


def check_spec_file(
    spec: Optional[Path] = typer.Argument(None, help="Spec file. Default: the project's."),
) -> None:
    """Validate a spec without rendering anything: every problem, with file and line."""
    from generator.errors import SpecError
    from generator.spec import load_spec

    spec = _project(spec).spec
    try:
        model = load_spec(spec)
    except SpecError as exc:
        _fail([str(p) for p in exc.problems] + [f"{len(exc.problems)} problem(s) in {spec}."])
    types = ", ".join(rt.developer_name for rt in model.record_types.types) or "none"
    print(
        f"{spec} is valid: currency {model.currency.code}, {len(model.events)} mapped events, "
        f"{len(model.reminders.offsets)} reminder offset(s), record types {types}."
    )


def schema() -> None:
    """Print the JSON Schema of the spec (for editor completion and validation)."""
    from generator.spec.schema_doc import schema_text

    print(schema_text(), end="")


def diagram(
    flows: Path = typer.Option(DEFAULT_OUT, "--flows", help="SFDX package directory holding the flows."),
    out: Path = typer.Option(DEFAULT_DIAGRAMS, "--out", help="Directory for the Mermaid diagrams."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if the diagrams are out of date."),
) -> None:
    """Write one Mermaid diagram per flow, derived from the flow XML."""
    from generator.diagram import DiagramError, render_diagrams
    from generator.errors import GenerateError
    from generator.output import compare, write_tree

    try:
        files = render_diagrams(flows)
    except DiagramError as exc:
        _fail([f"error: {exc}"])
    if check:
        drift = compare(files, out)
        if not drift.clean:
            _fail(drift.lines(out) + [f"run: sfpay diagram --flows {flows} --out {out}"])
        print(f"{out} is up to date ({len(files)} diagrams).")
        return
    try:
        write_tree(files, out, owned=("*.md",))
    except GenerateError as exc:
        _fail([f"error: {exc}"])
    print(f"wrote {len(files)} diagrams to {out}")


def register(app: typer.Typer) -> None:
    # The behaviour (and its argparse parsing) is in generator.command, which `sfpay` calls
    # directly for speed; this registration lists it in `sfpay --help` and serves other apps.
    register_self_parsing(app, "generate", GENERATE_HELP, "generator.command:run")
    spec_app.command("schema")(schema)
    spec_app.command("check")(check_spec_file)
    app.add_typer(spec_app, name="spec")
    app.command("diagram")(diagram)
