"""`sfpay validate` behaviour: argument parsing, running the engine, writing the report.

No typer here (see validator/cli.py): `run(argv)` is callable from any entry point.
"""

from __future__ import annotations

from sfpay.self_parsing import run_with_collector_paused

HELP = (
    "Check an SFDX source tree before it leaves the laptop: Metadata API schema (v66), "
    "flow semantics (connectors, references, callout context, fault paths, connector "
    "actions) and cross-file references. Exit 1 on errors (and on warnings with --strict)."
)


def build_parser():
    import argparse

    from validator.reporters import FORMATS

    parser = argparse.ArgumentParser(prog="sfpay validate", description=HELP, formatter_class=_help_formatter)
    parser.add_argument(
        "path",
        nargs="?",
        default=None,
        help="package directory, SFDX project root or single file (default: the "
        "project's package directory, found from the current folder)",
    )
    parser.add_argument("--spec", default=None, help="validate the package directory of this spec's project")
    parser.add_argument(
        "--format", "-f", dest="output_format", choices=FORMATS, default="text", help="report format (default: text)"
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")
    parser.add_argument(
        "--config",
        dest="config_path",
        default=None,
        help="configuration file (default: .sfpay-validate.yml in PATH or a parent)",
    )
    parser.add_argument("--output", "-o", default=None, help="write the report to this file instead of stdout")
    parser.add_argument(
        "--list-rules", action="store_true", help="list rule ids, severities and descriptions, then exit"
    )
    return parser


def _help_formatter(prog: str):
    """argparse's own formatter, told the width: left to find it, it imports shutil (and with it
    bz2 and lzma) each time `add_argument` checks a metavar, ~4 ms of every run's start-up.
    The width is found as shutil.get_terminal_size finds it: COLUMNS, else the terminal, else 80."""
    import argparse
    import os
    import sys

    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return argparse.HelpFormatter(prog, width=(columns or 80) - 2)


def run(argv: list[str]) -> int:
    """The command's behaviour, returning the exit code (0 ok, 1 findings or user error,
    2 usage); the cyclic collector is paused for the run (sfpay.self_parsing)."""
    return run_with_collector_paused(_run, argv)


def _run(argv: list[str]) -> int:
    import sys
    from pathlib import Path

    parser = build_parser()
    try:
        options = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed by argparse
        return int(exc.code or 0)

    from validator.rules import BY_ID, RULES

    if options.list_rules:
        for rule in RULES:
            sys.stdout.write(f"{rule.id:32} {rule.severity.value:8} {rule.scope:5} {rule.message}\n")
        return 0

    from validator.catalog import CatalogError
    from validator.config import ConfigError, find_config, load_config
    from validator.engine import validate
    from validator.project_spec import ProjectSpecError, connector_namespace, spec_of
    from validator.reporters import render
    from validator.schema.wsdl_slice import WsdlError
    from validator.source_tree import SourceTreeError

    try:
        path = _default_path(options.path, options.spec)
    except ValueError as exc:
        sys.stderr.write(f"sfpay validate: error: {exc}\n")
        return 1
    try:
        if options.config_path is not None:
            given = Path(options.config_path)
            if not given.is_file():
                raise SourceTreeError(f"{given.resolve()}: configuration file not found (--config)")
            chosen: Path | None = given
        else:
            chosen = find_config(path if path.exists() else Path.cwd())
        config = load_config(chosen, set(BY_ID))
        given_spec = Path(options.spec).resolve() if options.spec is not None else None
        config.connector_namespace = connector_namespace(spec_of(path, given_spec))
        report = validate(path, config)
    except (ConfigError, SourceTreeError, CatalogError, WsdlError, ProjectSpecError) as exc:
        sys.stderr.write(f"sfpay validate: error: {exc}\n")
        return 1
    text = render(report, options.output_format, [r for r in RULES if r.id not in config.disabled])
    if options.output is not None:
        _write_atomically(Path(options.output), text)
        sys.stderr.write(render(report, "text", RULES).splitlines()[-1] + "\n")
    else:
        sys.stdout.write(text)
    return 1 if report.failed(options.strict) else 0


def _default_path(given: str | None, spec: str | None):
    """PATH as given, else the package directory of the project found from the current
    folder (or of --spec's project), else force-app as before."""
    from pathlib import Path

    if given is not None:
        return Path(given)
    from sfpay.project import ProjectError, discover, find_root, package_dir

    try:
        if spec is not None:
            return discover(Path(spec)).package_dir
        root = find_root(Path.cwd())
        return package_dir(root) if root is not None else Path("force-app")
    except ProjectError as exc:
        raise ValueError(str(exc)) from None


def _write_atomically(path, text: str) -> None:
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
