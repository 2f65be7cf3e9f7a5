"""`sfpay generate` behaviour: argument parsing, rendering, writing the tree.

No typer here (see generator/cli.py): `sfpay` dispatches `generate` straight to `run(argv)`
before building its typer app, whose import and construction (a pydantic TypeAdapter per
declared parameter of every command) would cost more than rendering; the command has a
start-up budget (issue 17: < 300 ms, bench/bench_cli.py).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from sfpay.self_parsing import run_with_collector_paused

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

HELP = "Render the Stripe invoicing metadata (flows, fields, alerts, templates) from a spec."
DESCRIPTION = (
    HELP + " The project (and its spec, sfpay.yml) is found from the current folder upwards; "
    "the files go to its package directory (force-app)."
)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(prog="sfpay generate", description=DESCRIPTION)
    parser.add_argument("--spec", default=None, help="Spec file. Default: the project's.")
    parser.add_argument("--out", default=None, help="Folder to write. Default: force-app.")
    parser.add_argument("--check", action="store_true", help="Write nothing; exit 1 naming files that differ.")
    return parser


def _fail(lines: list[str]) -> int:
    for line in lines:
        print(line, file=sys.stderr)
    return 1


def run(argv: list[str]) -> int:
    """The command's behaviour, returning the exit code (0 written/up to date, 1 error,
    2 usage); the cyclic collector is paused for the run (sfpay.self_parsing)."""
    return run_with_collector_paused(_run, argv)


def _run(argv: list[str]) -> int:
    from pathlib import Path

    parser = build_parser()
    try:
        options = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed by argparse
        return int(exc.code or 0)

    from sfpay.project import ProjectError, discover

    try:
        project = discover(Path(options.spec) if options.spec is not None else None)
    except ProjectError as exc:
        return _fail([f"error: {exc}"])

    from generator.errors import GenerateError, SpecError
    from generator.output import compare, write_tree

    spec = project.spec
    out = Path(options.out) if options.out is not None else project.package_dir
    try:
        files = _rendered(spec)
    except SpecError as exc:
        return _fail([str(p) for p in exc.problems] + [f"{len(exc.problems)} problem(s) in {spec}; nothing written."])
    except _canonical_error() as exc:  # a template bug, not the user's: say so plainly
        return _fail([f"internal error: generated metadata does not fit the schema: {exc}"])
    drift = compare(files, out)
    if options.check:
        if not drift.clean:
            return _fail(
                drift.lines(out) + [f"{out} is not what {spec} renders; run: sfpay generate --spec {spec} --out {out}"]
            )
        print(f"{out} is up to date with {spec} ({len(files)} files).")
        return 0
    try:
        write_tree(files, out)
    except GenerateError as exc:
        return _fail([f"error: {exc}"])
    print(
        f"wrote {len(files)} files to {out} ({len(drift.differing)} changed, "
        f"{len(drift.missing)} added, {len(drift.extra)} removed)"
    )
    return 0


def _rendered(spec: Path) -> dict[str, bytes]:
    """The files `spec` renders to. The spec's text is read once; the model is built from it."""
    from generator.render import render
    from generator.spec.loader import load_spec_text
    from generator.spec.reading import read_spec_text

    return render(load_spec_text(read_spec_text(spec), str(spec)))


def _canonical_error() -> type[Exception]:
    # Imported only when rendering failed: the error type is not needed on the common path.
    from generator.canonical import CanonicalError

    return CanonicalError
