"""The local stack and the other packages' commands, driven through their command lines.

`sfpay local up --json`, `sfpay generate`, `sfpay validate` and `sfpay deploy` are the
contracts the other packages publish (issues 2, 3, 6, 7); calling them as a user would keeps
the harness independent of their internals and exercises exactly what a user runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.targets.base import TargetError

if TYPE_CHECKING:
    from sfpay.project import Project


@dataclass(frozen=True)
class StackDetails:
    """Connection details printed by `sfpay local up --json` (secrets included: never log this)."""

    instance_url: str
    username: str
    password: str
    access_token: str
    stripe_api_base: str
    stripe_api_key: str
    webhook_secret: str
    webhook_url: str
    ca_cert: str | None
    raw: dict[str, Any]

    @property
    def secrets(self) -> list[str]:
        token = _get(self.raw, "security_token", "org.security_token")
        return [s for s in (self.password, self.access_token, self.stripe_api_key, self.webhook_secret, token) if s]


def _get(data: dict[str, Any], *paths: str) -> Any:
    """The first of several dotted paths present in `data` (the JSON groups org/stripe keys)."""
    for path in paths:
        node: Any = data
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
        else:
            return node
    return None


def parse_stack_details(text: str) -> StackDetails:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise TargetError(f"`sfpay local up --json` did not print JSON ({exc}): {text[:200]!r}") from None
    fields = {
        "instance_url": ("org.instance_url", "instance_url"),
        "username": ("org.username", "username"),
        "password": ("org.password", "password"),
        "access_token": ("org.access_token", "access_token"),
        "stripe_api_base": ("stripe.api_base", "api_base"),
        "stripe_api_key": ("stripe.api_key", "api_key"),
        "webhook_secret": ("webhook_secret", "stripe.webhook_secret", "webhook.secret"),
        "webhook_url": ("webhook_url", "org.webhook_url", "webhook.url"),
    }
    values = {name: _get(data, *paths) for name, paths in fields.items()}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise TargetError(f"`sfpay local up --json` gave no {', '.join(missing)}; keys present: {', '.join(sorted(data))}")
    ca = _get(data, "ca_bundle", "org.ca_bundle", "org.ca_cert", "ca_cert")
    return StackDetails(**values, ca_cert=ca, raw=data)


def sfpay(args: list[str], *, cwd: Path | None = None, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `sfpay ARGS` in a child process with the same interpreter, in the project's root
    (so it finds the same project, spec and state folder); default: the project found from
    the current folder."""
    if cwd is None:
        from sfpay.project import find_root

        cwd = find_root(Path.cwd()) or Path.cwd()
    return subprocess.run([sys.executable, "-m", "sfpay", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


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


def local_up(project: "Project | None" = None) -> tuple[StackDetails, float]:
    """Start the project's local stack for its spec, or reuse the running one; return its details."""
    project = project or current_project()
    stdout, seconds = checked(["local", "up", "--json", "--spec", str(project.spec)], "starting the local stack",
                              cwd=project.root)
    return parse_stack_details(stdout), seconds


def source_dir(project: "Project") -> Path:
    """Where the metadata of `project.spec` is: the project's package directory for its own
    spec; for another spec a build folder in the state folder, so trying a spec never
    rewrites the project's committed force-app."""
    from sfpay.paths import state_dir

    if project.own_spec:
        return project.package_dir
    return state_dir(project.root).resolve() / "builds" / project.spec.stem / "force-app"


def generate(project: "Project") -> float:
    _, seconds = checked(["generate", "--spec", str(project.spec), "--out", str(source_dir(project))], "generating",
                         cwd=project.root)
    return seconds


def deploy_local(project: "Project | None" = None) -> float:
    project = project or current_project()
    args = ["deploy", "--org", "local", "--spec", str(project.spec)]
    if not project.own_spec:
        args += ["--path", str(source_dir(project))]
    _, seconds = checked(args, "deploying to the local org through CumulusCI", timeout=600, cwd=project.root)
    return seconds
