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
from typing import Any

from harness.targets.base import TargetError


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


def sfpay(args: list[str], *, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `sfpay ARGS` in a child process with the same interpreter and project."""
    from sfpay.paths import PROJECT_ROOT

    return subprocess.run([sys.executable, "-m", "sfpay", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
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


def local_up() -> tuple[StackDetails, float]:
    """Start the local stack, or reuse the running one; return its details."""
    stdout, seconds = checked(["local", "up", "--json"], "starting the local stack")
    return parse_stack_details(stdout), seconds


def deploy_local() -> float:
    _, seconds = checked(["deploy", "--org", "local"], "deploying to the local org through CumulusCI", timeout=600)
    return seconds


def project_path(relative: str) -> Path:
    from sfpay.paths import PROJECT_ROOT

    return PROJECT_ROOT / relative
