"""The record of a running local stack (`<state dir>/local/stack.json`): what it runs and for
which project.

Kept below every package that reads it: `sfpay.local` writes it, `pipeline` reads it to
refuse `sfpay deploy --org local` into another project's stack. Holds no behaviour that
starts or stops anything (that is sfpay/local/).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from sfpay.private_files import write_private

STATE_FILE = "stack.json"


class StackError(Exception):
    """A user-facing failure of the local stack (message says what and where to look)."""


class OtherProject(StackError):
    """The stack in this state folder was started for another project."""


@dataclass
class StackState:
    stripe_pid: int
    stripe_port: int
    org_pid: int
    org_port: int
    stripe_api_key: str
    webhook_endpoint_id: str
    account_name: str
    state_dir: str
    # What the stack was started for (empty in a stack.json of an older sfpay).
    spec_path: str = ""
    project_root: str = ""
    webhook_events: tuple[str, ...] = ()
    stripe_api_version: str = ""

    def __post_init__(self) -> None:
        self.webhook_events = tuple(self.webhook_events)  # a list once read back from JSON

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.stripe_port}"

    @property
    def instance_url(self) -> str:
        return f"https://127.0.0.1:{self.org_port}"


def local_dir(state_root: Path | None = None) -> Path:
    """`<state dir>/local`: the stack's folder (`state_root`: a project's .sfpay; default:
    the state folder of the project found from the current folder)."""
    from sfpay.paths import state_dir

    return Path(state_root if state_root is not None else state_dir()).resolve() / "local"


def state_file(state_root: Path | None = None) -> Path:
    return local_dir(state_root) / STATE_FILE


def load_state(state_root: Path | None = None) -> StackState | None:
    """The stack recorded in `state_root` (default: this command's state folder), or None."""
    path = state_file(state_root)
    if not path.exists():
        return None
    return StackState(**json.loads(path.read_text(encoding="utf-8")))


def save_state(state: StackState) -> None:
    # It holds the stripesim API key: private.
    write_private(
        Path(state.state_dir) / STATE_FILE, json.dumps(asdict(state), indent=2, sort_keys=True), private_dir=True
    )


def check_project(state: StackState, project_root: str) -> None:
    """Refuse to serve one project's stack to another (a shared SFPAY_STATE_DIR): it holds
    the other project's metadata, webhook events and Stripe Account record."""
    if state.project_root and project_root and Path(state.project_root) != Path(project_root):
        raise OtherProject(
            f"the local stack in {state.state_dir} was started for the project {state.project_root} "
            f"(spec {state.spec_path or 'none'}), not for {project_root}: stop it with `sfpay local down` "
            f"from {state.project_root}, or give this project its own state folder (unset SFPAY_STATE_DIR)"
        )
