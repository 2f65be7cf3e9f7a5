"""Live progress in the terminal: a spinner for the running scenario, one line per verdict."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.status import Status
from rich.table import Table

from harness.results import Outcome, RunSummary, ScenarioResult

STYLE = {Outcome.PASSED: "green", Outcome.FAILED: "red", Outcome.ERROR: "red", Outcome.SKIPPED: "yellow"}
MARK = {Outcome.PASSED: "PASS", Outcome.FAILED: "FAIL", Outcome.ERROR: "ERROR", Outcome.SKIPPED: "SKIP"}


class Progress:
    def __init__(self, console: Console | None = None, total: int = 0):
        self.console = console or Console(stderr=True)
        self.total = total
        self.done = 0
        self._status: Status | None = None
        self._title = ""
        self._last_line = time.monotonic()

    def step(self, message: str) -> None:
        self.console.print(f"[bold]>[/bold] {message}")

    @contextmanager
    def scenario(self, number: int, name: str, title: str) -> Iterator[None]:
        self._last_line = time.monotonic()
        self._title = f"[{self.done + 1}/{self.total}] {number:02d} {name}: {title}"
        with self.console.status(self._title, spinner="dots") as status:
            self._status = status
            try:
                yield
            finally:
                self._status = None

    def update(self, detail: str) -> None:
        """What the running scenario is waiting for, under its title (long waits are never silent).

        Without a terminal (CI logs) the spinner is not drawn: a line every 10 s instead."""
        if self._status is None:
            return
        if self.console.is_terminal:
            self._status.update(f"{self._title}\n  {detail}")
        elif time.monotonic() - self._last_line >= 10:
            self._last_line = time.monotonic()
            self.console.print(f"  ... {detail}", highlight=False)

    def result(self, result: ScenarioResult) -> None:
        self.done += 1
        style = STYLE[result.outcome]
        self.console.print(
            f"[{style}]{MARK[result.outcome]:>5}[/{style}] {result.number:02d} {result.name} "
            f"[dim]({result.duration_seconds:.2f} s)[/dim] {result.reason}",
            highlight=False,
        )


def summary_table(summary: RunSummary) -> Table:
    table = Table(
        title=f"sfpay verify --target {summary.target}: {summary.count(Outcome.PASSED)}/{len(summary.results)} passed "
        f"in {summary.duration_seconds:.1f} s"
    )
    table.add_column("#", justify="right")
    table.add_column("scenario")
    table.add_column("result")
    table.add_column("time", justify="right")
    table.add_column("verdict", overflow="fold")
    for result in summary.results:
        style = STYLE[result.outcome]
        table.add_row(
            str(result.number),
            result.name,
            f"[{style}]{MARK[result.outcome]}[/{style}]",
            f"{result.duration_seconds:.2f} s",
            result.reason,
        )
    return table
