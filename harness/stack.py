"""The local stack and the other packages' commands.

The stack comes from `sfpay.local.api` (typed: a `LocalConnection`, the dataclass `sfpay
local up --json` prints). `sfpay generate` and `sfpay deploy` are driven through their
command lines: calling them as a user would exercises exactly what a user runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.targets.base import TargetError

if TYPE_CHECKING:
    from sfpay.local.stack import LocalConnection
    from sfpay.project import Project


def sfpay(
    args: list[str], *, cwd: Path | None = None, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run `sfpay ARGS` in a child process with the same interpreter, in the project's root
    (so it finds the same project, spec and state folder); default: the project found from
    the current folder."""
    return subprocess.run(
        [sys.executable, "-m", "sfpay", *args],
        cwd=cwd or project_folder(),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def project_folder() -> Path:
    """The root of the project found from the current folder (else the current folder)."""
    from sfpay.project import find_root

    return find_root(Path.cwd()) or Path.cwd()


class StepFailed(TargetError):
    pass


def checked(args: list[str], what: str, **kwargs: Any) -> tuple[str, float]:
    """Run a command; on failure raise StepFailed with its own error output (it already names files and lines)."""
    started = time.monotonic()
    result = sfpay(args, **kwargs)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        output = (result.stderr.strip() or result.stdout.strip())[-4000:]
        raise StepFailed(f"{what} failed (`sfpay {' '.join(args)}`, exit {result.returncode}):\n{output}")
    return result.stdout, seconds


def current_project(spec: Path | None = None) -> "Project":
    """The project found from the current folder (and --spec), or TargetError naming where
    it looked."""
    from sfpay.project import ProjectError, discover

    try:
        return discover(spec)
    except ProjectError as exc:
        raise TargetError(str(exc)) from None


def local_up(project: "Project | None" = None) -> tuple["LocalConnection", float]:
    """Start the project's local stack for its spec, or reuse the running one; return how to
    reach it and how long that took."""
    from sfpay.local import api

    project = project or current_project()
    started = time.monotonic()
    try:
        result = api.up(project.root, project.spec)
    except api.StackError as exc:
        raise StepFailed(f"starting the local stack failed: {exc}") from None
    return result.connection, time.monotonic() - started


def source_dir(project: "Project") -> Path:
    """Where the metadata of `project.spec` is: the project's package directory for its own
    spec; for another spec a build folder in the state folder, so trying a spec never
    rewrites the project's committed force-app."""
    from sfpay.paths import state_dir

    if project.own_spec:
        return project.package_dir
    return state_dir(project.root).resolve() / "builds" / project.spec.stem / "force-app"


def generate(project: "Project") -> float:
    _, seconds = checked(
        ["generate", "--spec", str(project.spec), "--out", str(source_dir(project))], "generating", cwd=project.root
    )
    return seconds


def deploy_local(project: "Project | None" = None) -> float:
    project = project or current_project()
    args = ["deploy", "--org", "local", "--spec", str(project.spec)]
    if not project.own_spec:
        args += ["--path", str(source_dir(project))]
    _, seconds = checked(args, "deploying to the local org through CumulusCI", timeout=600, cwd=project.root)
    return seconds
