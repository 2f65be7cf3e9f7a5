"""`sfpay deploy`: run the CumulusCI flow for the target, show progress, explain failures.

The flow runs in a child `cci` process (exactly `cci flow run <flow> --org <org>`), so what
the user sees here is what their CI sees. Its log goes to `.sfpay/deploy/<org>-<flow>.log`;
the terminal gets a progress bar per flow step and, on failure, Salesforce's component
errors against the source files (from the report `deploy_source` writes).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.deploy_errors import REPORT_ENV, DeployReport
from pipeline.local_org import cci_environment, load_link

FLOWS = {
    # (production, check_only) -> flow in cumulusci.yml
    (False, False): "deploy_sandbox",
    (False, True): "validate_sandbox",
    (True, False): "deploy_production",
    (True, True): "validate_production",
}

# Salesforce session ids look like "00D...!AQ..."; never let one reach a log or the terminal.
_SESSION_ID = re.compile(r"00D[A-Za-z0-9]{12,15}![A-Za-z0-9._\-]{20,}")
_BEARER = re.compile(r"(Bearer\s+)\S+")
_RUNNING = re.compile(r"Running task: (\S+)")
_SKIPPING = re.compile(r"Skipping task:? (\S+)")
_TIMESTAMP = re.compile(r"^\[\d\d/\d\d/\d\d \d\d:\d\d:\d\d\]\s*")


class DeployCommandError(Exception):
    """A usage problem before anything ran (no project, unknown flow)."""


def redact(line: str) -> str:
    return _BEARER.sub(r"\1[redacted]", _SESSION_ID.sub("[redacted session id]", line))


def find_project_root(start: Path) -> Path:
    """The project found from `start` (sfpay.project), which must hold a cumulusci.yml."""
    from sfpay.project import find_root

    start = start.resolve()
    root = find_root(start)
    if root is None:
        for directory in (start, *start.parents):
            if (directory / "cumulusci.yml").is_file():
                return directory
        raise DeployCommandError(
            f"no sfpay project in {start} or any folder above it (looked for sfpay.yml, "
            "sfdx-project.json and cumulusci.yml): run sfpay deploy from the project"
        )
    if not (root / "cumulusci.yml").is_file():
        raise DeployCommandError(
            f"cumulusci.yml not found: {root / 'cumulusci.yml'} (the project at {root}); "
            "`sfpay init --force` writes one"
        )
    return root


@dataclass
class Target:
    """What a deploy works on: the project, and the spec and source folder when they are not
    the project's own (each becomes `-o <task>__<option>` of the CumulusCI flow)."""

    root: Path
    spec: Path | None = None
    path: Path | None = None

    def flow_options(self, steps: list[str]) -> list[str]:
        options: list[str] = []
        wanted = {
            "check_generated": {"spec": self.spec, "path": self.path},
            "install_connector": {"spec": self.spec},
            "validate_metadata": {"path": self.path},
            "deploy_source": {"path": self.path},
            "smoke_check": {"path": self.path},
        }
        for task, values in wanted.items():
            if task in steps:
                options += [
                    x
                    for name, value in values.items()
                    if value is not None
                    for x in ("-o", f"{task}__{name}", str(value))
                ]
        return options


def resolve_target(spec: Path | None, path: Path | None, start: Path | None = None) -> Target:
    from sfpay.project import ProjectError, discover

    start = start or Path.cwd()
    if spec is None:
        return Target(find_project_root(start), None, path.resolve() if path else None)
    try:
        project = discover(spec, start)
    except ProjectError as exc:
        raise DeployCommandError(str(exc)) from None
    root = find_project_root(project.root)
    return Target(root, project.spec, path.resolve() if path else None)


def check_local_stack(org: str, root: Path, state_dir: Path) -> None:
    """`--org local` deploys into the stack of this state folder: refuse when it serves
    another project (a shared SFPAY_STATE_DIR), instead of overwriting that project's org."""
    if org != "local":
        return
    from sfpay.stack_state import StackError, check_project, load_state

    state = load_state(state_dir)
    if state is not None:
        try:
            check_project(state, str(root.resolve()))
        except StackError as exc:
            raise DeployCommandError(str(exc)) from None


def flow_steps(cumulusci_yml: Path, flow: str) -> list[str]:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(cumulusci_yml.read_text(encoding="utf-8")) or {}
    flows = data.get("flows") or {}
    if flow not in flows:
        raise DeployCommandError(f"{cumulusci_yml}: flow {flow!r} is not defined (flows: {', '.join(sorted(flows))})")
    steps = flows[flow].get("steps") or {}
    return [str(steps[key].get("task") or steps[key].get("flow")) for key in sorted(steps, key=float)]


@dataclass
class DeployOutcome:
    flow: str
    returncode: int
    log_path: Path
    report: DeployReport | None
    tail: list[str]


def run_flow(
    org: str,
    production: bool,
    check_only: bool,
    project_root: Path,
    state_dir: Path,
    on_line=None,
    env: dict[str, str] | None = None,
    target: Target | None = None,
) -> DeployOutcome:
    """Run the flow in a `cci` child process; `on_line(step_index, task_name, line)` sees
    every (redacted) output line."""
    flow = FLOWS[(production, check_only)]
    steps = flow_steps(project_root / "cumulusci.yml", flow)
    extra = target.flow_options(steps) if target is not None else []
    child_env = cci_environment(project_root, env)
    link = load_link(state_dir, org)
    if link is not None:
        child_env.update(link.environment())
    log_dir = state_dir / "deploy"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{org}-{flow}.log"
    with tempfile.TemporaryDirectory(prefix="sfpay-deploy-") as tmp:
        report_path = Path(tmp) / "report.json"
        child_env[REPORT_ENV] = str(report_path)
        command = [sys.executable, "-m", "cumulusci", "flow", "run", flow, "--org", org, "--no-prompt", *extra]
        tail: list[str] = []
        step_index, task_name = -1, ""
        with (
            open(log_path, "w", encoding="utf-8") as log,
            subprocess.Popen(
                command,
                cwd=project_root,
                env=child_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
            ) as process,
        ):
            assert process.stdout is not None
            for raw in process.stdout:
                line = redact(raw.rstrip("\n"))
                log.write(line + "\n")
                tail = (tail + [line])[-200:]
                running = _RUNNING.search(line) or _SKIPPING.search(line)
                if running and running.group(1) in steps:
                    step_index, task_name = steps.index(running.group(1)), running.group(1)
                if on_line is not None:
                    on_line(step_index, task_name, line)
            returncode = process.wait()
        report = DeployReport.from_json(report_path.read_text(encoding="utf-8")) if report_path.exists() else None
    return DeployOutcome(flow=flow, returncode=returncode, log_path=log_path, report=report, tail=tail)


def failing_step_output(tail: list[str], limit: int = 40) -> list[str]:
    """What the failing step said: its output from "Beginning task" on, without timestamps,
    blank lines and CumulusCI's banner rules (the whole log stays in the log file)."""
    # strip() also drops the terminal bell CumulusCI rings when a flow fails.
    cleaned = [_TIMESTAMP.sub("", line).strip(" \t\a\r") for line in tail]
    cleaned = [
        line
        for line in cleaned
        if line and not set(line) <= {"-", "="} and not line.startswith("Run this command for more information")
    ]
    starts = [i for i, line in enumerate(cleaned) if line.startswith("Beginning task:")]
    section = cleaned[starts[-1] + 1 :] if starts else cleaned
    return section[-limit:]


def deploy(
    org: str, production: bool, check_only: bool, verbose: bool, spec: Path | None = None, path: Path | None = None
) -> int:
    """The command body: progress on stderr, result on stdout; returns the exit code."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from sfpay.console import print_error
    from sfpay.paths import state_dir

    out, err = Console(), Console(stderr=True)
    state = state_dir()
    try:
        target = resolve_target(spec, path)
        project_root = target.root
        flow = FLOWS[(production, check_only)]
        steps = flow_steps(project_root / "cumulusci.yml", flow)
        check_local_stack(org, project_root, state)
    except DeployCommandError as exc:
        print_error(str(exc))
        return 1

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
    with progress:
        bar = progress.add_task(f"{flow} on {org}", total=len(steps))

        def on_line(step_index: int, task_name: str, line: str) -> None:
            if step_index >= 0:
                progress.update(bar, completed=step_index, description=f"{flow} on {org}: {task_name}")
            if verbose:
                progress.console.print(line, markup=False, highlight=False)

        outcome = run_flow(org, production, check_only, project_root, state, on_line=on_line, target=target)
        if outcome.returncode == 0:
            progress.update(bar, completed=len(steps), description=f"{flow} on {org}: done")

    if outcome.returncode == 0:
        verb = "Validated (check only, nothing changed)" if check_only else "Deployed"
        out.print(f"[green]{verb}[/green]: {flow} completed on org [bold]{org}[/bold]. Log: {outcome.log_path}")
        return 0

    err.print(f"[red]{flow} failed on org {org}[/red]")
    if outcome.report is not None and outcome.report.lines():
        err.print("Salesforce rejected the deploy; nothing was changed in the org:")
        for line in outcome.report.lines():
            err.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    else:
        for line in failing_step_output(outcome.tail):
            err.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    unreachable = ("error with your internet connection", "Connection refused", "Max retries exceeded")
    if org == "local" and any(marker in line for line in outcome.tail for marker in unreachable):
        err.print(
            "The local org does not answer: check `sfpay local status`, or start it with `sfpay local up`.",
            markup=False,
            highlight=False,
        )
    if any(f"Org with name '{org}' does not exist" in line for line in outcome.tail):
        hint = (
            "start the local org with `sfpay local up`"
            if org == "local"
            else f"connect it first: `cci org connect {org}` (add --sandbox for a sandbox), "
            "or `cci org import <sf alias> " + org + "`; see docs/deploy.md"
        )
        err.print(f"CumulusCI has no org named {org!r}: {hint}.", markup=False, highlight=False)
    err.print(f"Full log: {outcome.log_path}")
    return 1


def export_lines(org: str, state: Path, project_root: Path) -> list[str]:
    """Shell `export` lines that let a plain `cci` reach the registered local org."""
    import shlex

    link = load_link(state, org)
    if link is None:
        raise DeployCommandError(f"No local org named {org!r} is registered: run `sfpay local up` first.")
    env = {"CUMULUSCI_AUTO_DETECT": "1", "CUMULUSCI_REPO_ROOT": str(project_root.resolve()), **link.environment()}
    return [f"export {name}={shlex.quote(value)}" for name, value in sorted(env.items())]
