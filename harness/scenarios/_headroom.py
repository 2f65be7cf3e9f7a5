"""Governor headroom of a bulk load, per flow (issue 17, item 4): the most any one transaction of
each flow used of its callouts, SOQL queries, DML statements and rows and CPU time, against the
limit, as evidence in the sign-off report.

The figures are the local org's per-transaction accounting (`/_orgsim/limits`, counted as
orgsim/limits.py cites from the Apex governor-limit tables). A real sandbox shows them only in
debug logs, which verify does not read: there the report says so instead of a figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.targets.base import Capability

if TYPE_CHECKING:
    from harness.context import ScenarioContext

# (counter, how the report names it); CPU time is reported, never enforced (orgsim/limits.py).
HEADROOM = (
    ("callouts", "callouts"),
    ("soql", "SOQL queries"),
    ("dml", "DML statements"),
    ("dml_rows", "DML rows"),
    ("cpu_ms", "CPU ms"),
)


def transaction_mark(ctx: "ScenarioContext") -> int:
    """Sequence number of the org's last transaction: what a scenario's own load comes after."""
    if Capability.LIMITS not in ctx.target.capabilities:
        return 0
    return max((t["seq"] for t in ctx.target.limits_usage(last=1)["transactions"]), default=0)


def headroom_rows(transactions: list[dict[str, Any]], limits: dict[str, int]) -> list[tuple[str, int, str]]:
    """(flow or save, transactions, "callouts 5/100, SOQL queries 7/100, ...") per transaction kind.

    Grouped as the org groups them (orgsim.limits.peaks_by_flow: a flow's async or scheduled path is
    one kind, a synchronous save another); CPU against the synchronous limit for a save, the
    asynchronous one for a path."""
    from orgsim.limits import CPU_LIMIT_MS, peaks_by_flow

    rows = []
    for key, peak in peaks_by_flow(transactions, tuple(c for c, _ in HEADROOM)).items():
        cpu_limit = CPU_LIMIT_MS["sync" if key.startswith("save: ") else "async"]
        cells = [
            f"{label} {peak[counter]:,}/{(cpu_limit if counter == 'cpu_ms' else limits[counter]):,}"
            for counter, label in HEADROOM
        ]
        rows.append((key, peak["transactions"], ", ".join(cells)))
    return rows


def note_headroom(ctx: "ScenarioContext", since_seq: int) -> None:
    """One evidence line per flow: the peak of any one transaction since `since_seq`, against the limit."""
    if Capability.LIMITS not in ctx.target.capabilities:
        ctx.note(
            "limits",
            "Peak governor usage per flow",
            f"not available on the {ctx.target.name} target: a real org shows per-transaction usage only in "
            "its debug logs, which verify does not read",
        )
        return
    usage = ctx.target.limits_usage(since=since_seq)
    for key, count, cells in headroom_rows(usage["transactions"], usage["limits"]):
        ctx.note("limits", f"Peak of one transaction: {key} ({count:,} transaction{'s' if count != 1 else ''})", cells)
