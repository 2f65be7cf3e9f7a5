"""The local stack for a project, as callers use it: `up`, `status`, `down`.

`sfpay local up|status|down` (sfpay/local/cli.py) and the harness (harness/stack.py) call
these and get a `LocalConnection` back, the same dataclass `--json` prints, so nobody parses
the command's output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sfpay.local import stack
from sfpay.local.stack import LocalConnection, StackError, StackState


@dataclass(frozen=True)
class Started:
    connection: LocalConnection
    state: StackState
    warning: str | None  # e.g. why the org was not registered with CumulusCI


def state_root_of(project_root: Path) -> Path:
    from sfpay.paths import state_dir

    return state_dir(project_root).resolve()


def up(project_root: Path, spec: Path | None, *, jwt_cert: Path | None = None) -> Started:
    """Start (or reuse) the stack of the project at `project_root` for `spec` (None: the spec
    model's defaults). Without a certificate of the user's, the stack trusts sfpay's own
    connected-app key pair and the org is registered with CumulusCI as `local`
    (`sfpay deploy --org local`). Raises StackError for the user."""
    from sfpay.local.cumulusci import up_with_cumulusci

    state_root = state_root_of(project_root)
    info = stack.spec_info(spec, project_root)
    if jwt_cert is None:
        result = up_with_cumulusci(info, state_root=state_root)
        state, settings, warning = result.state, result.settings, result.warning
    else:
        state, settings = stack.up(info, jwt_cert=jwt_cert, state_root=state_root)
        warning = None
    return Started(stack.connection(state, settings), state, warning)


def status(state_root: Path) -> tuple[StackState | None, dict[str, Any] | None, LocalConnection | None]:
    """(state, health report, connection) of the stack recorded in `state_root`; Nones when
    none is recorded. The connection carries an access token only when the org answers."""
    state = stack.load_state(state_root)
    if state is None:
        return None, None, None
    report = stack.health(state)
    return state, report, stack.connection(state, with_token=report["healthy"])


def down(project_root: Path | None, state_root: Path) -> list[str]:
    """Stop the stack and forget the CumulusCI org `local` pointed at it; the names stopped."""
    from sfpay.local.cumulusci import forget_cumulusci_org

    result = stack.down(state_root)
    forget_cumulusci_org(project_root, state_root)
    return result["stopped"]


__all__ = ["LocalConnection", "Started", "StackError", "down", "status", "up"]
