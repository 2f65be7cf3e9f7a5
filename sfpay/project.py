"""Which project a command works on: found from the current directory, like git or cci.

A project is a folder holding `sfpay.yml` (the spec) or `sfdx-project.json`. Commands walk up
from the current directory to the first such folder. Its spec is, in order: the path in
sfdx-project.json's `plugins.sfpay.spec` (Salesforce reserves `plugins` for tools' settings:
https://developer.salesforce.com/docs/atlas.en-us.sfdx_dev.meta/sfdx_dev/sfdx_dev_ws_config.htm),
else `sfpay.yml` at the root. The generated metadata goes to the default package directory
of sfdx-project.json (`force-app` when there is none).

Cheap to import: json and pathlib only (every command calls it, `sfpay validate` included).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SPEC_NAME = "sfpay.yml"
SFDX_PROJECT = "sfdx-project.json"
MARKERS = (SPEC_NAME, SFDX_PROJECT)
DEFAULT_PACKAGE_DIR = "force-app"


class ProjectError(Exception):
    """No project or no spec where one was looked for; the message names the absolute paths."""


@dataclass(frozen=True)
class Project:
    root: Path          # absolute
    spec: Path          # absolute
    package_dir: Path   # absolute: where `sfpay generate` writes and `sfpay validate` reads
    own_spec: bool      # the spec is the project's own (not another one given with --spec)

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


def _sfdx_config(root: Path) -> dict:
    path = root / SFDX_PROJECT
    if not path.is_file():
        return {}
    try:
        data = json.loads(_read_small(path).decode("utf-8"))
    except RecursionError:
        raise ProjectError(f"{path}: nested too deeply (expected a project file: JSON with packageDirectories)") from None
    except (OSError, ValueError) as exc:
        raise ProjectError(f"{path}: not readable JSON ({exc})") from None
    return data if isinstance(data, dict) else {}


# sfdx-project.json is a few hundred bytes; anything far larger is not a project file.
MAX_PROJECT_FILE_BYTES = 1024 * 1024


def _read_small(path: Path) -> bytes:
    """A regular file's bytes up to the cap (O_NONBLOCK: a FIFO is refused, never waited on)."""
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError("not a regular file")
        data = handle.read(MAX_PROJECT_FILE_BYTES + 1)
    if len(data) > MAX_PROJECT_FILE_BYTES:
        raise OSError(f"larger than {MAX_PROJECT_FILE_BYTES} bytes")
    return data


def configured_spec(root: Path) -> Path:
    """The project's own spec file (it may not exist yet)."""
    setting = ((_sfdx_config(root).get("plugins") or {}).get("sfpay") or {}).get("spec")
    return (root / setting).resolve() if isinstance(setting, str) and setting else root / SPEC_NAME


def package_dir(root: Path) -> Path:
    directories = _sfdx_config(root).get("packageDirectories") or []
    chosen = next((d for d in directories if isinstance(d, dict) and d.get("default")), None)
    chosen = chosen or next((d for d in directories if isinstance(d, dict)), None)
    relative = chosen.get("path") if chosen and isinstance(chosen.get("path"), str) else DEFAULT_PACKAGE_DIR
    resolved = (root / relative).resolve()
    # generate replaces this folder and validate reads it: "/etc" or "../.." must never be it.
    if resolved != root.resolve() and root.resolve() not in resolved.parents:
        raise ProjectError(f"{root / SFDX_PROJECT}: package directory {relative!r} is outside the project "
                           f"(expected a folder inside {root})")
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
        root = find_root(spec_path.parent) or find_root(start) or start
        return Project(root, spec_path, package_dir(root), spec_path == configured_spec(root).resolve())
    root = find_root(start)
    if root is None:
        raise ProjectError(
            f"no sfpay project in {start} or any folder above it (looked for {SPEC_NAME} or {SFDX_PROJECT}); "
            "create one with `sfpay init DIR`, or give the spec with --spec FILE")
    own = configured_spec(root)
    if not own.is_file():
        raise ProjectError(f"spec file not found: {own} (the spec of the project at {root}; "
                           f"set plugins.sfpay.spec in {root / SFDX_PROJECT} or give --spec FILE)")
    return Project(root, own, package_dir(root), True)
