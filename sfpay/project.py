"""Which project a command works on: found from the current directory, like git or cci.

A project is a folder holding `sfpay.yml` (the spec) or `sfdx-project.json`. Commands walk up
from the current directory to the first such folder. Its spec is, in order: the path in
sfdx-project.json's `plugins.sfpay.spec` (Salesforce reserves `plugins` for tools' settings:
https://developer.salesforce.com/docs/atlas.en-us.sfdx_dev.meta/sfdx_dev/sfdx_dev_ws_config.htm),
else `sfpay.yml` at the root. The generated metadata goes to the default package directory
of sfdx-project.json (`force-app` when there is none).

Cheap to import: json and pathlib only, through sfmeta.sfdx_project (every command calls it,
`sfpay validate` included).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from sfmeta import sfdx_project
from sfmeta.sfdx_project import SfdxProjectError

SPEC_NAME = "sfpay.yml"
SFDX_PROJECT = sfdx_project.FILE_NAME
MARKERS = (SPEC_NAME, SFDX_PROJECT)
DEFAULT_PACKAGE_DIR = "force-app"


class ProjectError(Exception):
    """No project or no spec where one was looked for; the message names the absolute paths."""


class Project(NamedTuple):
    root: Path  # absolute
    spec: Path  # absolute
    package_dir: Path  # absolute: where `sfpay generate` writes and `sfpay validate` reads
    own_spec: bool  # the spec is the project's own (not another one given with --spec)

    def relative(self, path: Path) -> str:
        """`path` as the user would type it from the project root (for messages, commands)."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding sfpay.yml or sfdx-project.json."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if any((directory / marker).is_file() for marker in MARKERS):
            return directory
    return None


def _project_error(exc: SfdxProjectError) -> ProjectError:
    if exc.too_deep:
        return ProjectError(f"{exc.path}: nested too deeply (expected a project file: JSON with packageDirectories)")
    return ProjectError(f"{exc.path}: not readable JSON ({exc.detail})")


def configured_spec(root: Path) -> Path:
    """The project's own spec file (it may not exist yet)."""
    try:
        setting = sfdx_project.plugin_setting(root, "sfpay", "spec")
    except SfdxProjectError as exc:
        raise _project_error(exc) from None
    return (root / setting).resolve() if isinstance(setting, str) and setting else root / SPEC_NAME


def package_dir(root: Path) -> Path:
    try:
        relative = sfdx_project.default_package_directory(root) or DEFAULT_PACKAGE_DIR
    except SfdxProjectError as exc:
        raise _project_error(exc) from None
    resolved = (root / relative).resolve()
    # generate replaces this folder and validate reads it: "/etc" or "../.." must never be it.
    if resolved != root.resolve() and root.resolve() not in resolved.parents:
        raise ProjectError(
            f"{root / SFDX_PROJECT}: package directory {relative!r} is outside the project "
            f"(expected a folder inside {root})"
        )
    return resolved


def discover(spec: Path | None = None, start: Path | None = None) -> Project:
    """The project for a command run in `start` (default: the current directory), with
    `spec` (a --spec option) taking the place of the project's own spec when given."""
    start = (start or Path.cwd()).resolve()
    if spec is not None:
        spec_path = spec.expanduser().resolve()
        if not spec_path.is_file():
            raise ProjectError(f"spec file not found: {spec_path} (given with --spec)")
        # A spec inside a project belongs to that project; a loose file works on the project
        # the command runs in (or, outside any project, on the current directory).
        spec_root = find_root(spec_path.parent) or find_root(start) or start
        return Project(spec_root, spec_path, package_dir(spec_root), spec_path == configured_spec(spec_root).resolve())
    root = find_root(start)
    if root is None:
        raise ProjectError(
            f"no sfpay project in {start} or any folder above it (looked for {SPEC_NAME} or {SFDX_PROJECT}); "
            "create one with `sfpay init DIR`, or give the spec with --spec FILE"
        )
    own = configured_spec(root)
    if not own.is_file():
        raise ProjectError(
            f"spec file not found: {own} (the spec of the project at {root}; "
            f"set plugins.sfpay.spec in {root / SFDX_PROJECT} or give --spec FILE)"
        )
    return Project(root, own, package_dir(root), True)
