"""Benchmark: wall time of the full local scenario suite, and payment-to-Paid latency.

    python bench/bench_harness.py [--runs N]

Starts a local stack in a temporary state folder (`sfpay local up`), deploys once through the
CumulusCI pipeline, then runs every scenario N times against it and prints:

- the median (and min/max) wall time of one full suite run (target: under 20 s);
- payment-to-Paid latency p50/p99 over every payment the runs made: from the stripe SDK's
  pay call until the Opportunity reads Paid through the REST API (the webhook round trip);
- per scenario (medians over the runs): wall time, and the CPU time (user + system) of this
  process and of the two server processes (org, stripesim) while it ran, so a scenario whose
  wall time is mostly waiting shows as such.

Not a test: it prints numbers. The stack is stopped at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from bench.figures import figure  # noqa: E402
from harness.reporting.progress import Progress  # noqa: E402


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, its threads and reaped children) of process `pid`, from
    /proc/<pid>/stat fields 14-17 (https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    # After the ")" the list starts at field 3 (state): utime is field 14, i.e. index 11.
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


class Breakdown(Progress):
    """Records, per scenario, its wall time and the CPU time of this process and of each server
    process while it ran (the runner's progress hook; nothing is printed)."""

    def __init__(self, servers: dict[str, int]):
        from rich.console import Console

        super().__init__(console=Console(file=io.StringIO()))
        self.servers = servers
        self.rows: dict[str, list[dict[str, float]]] = {}

    def sample(self) -> dict[str, float]:
        return {"wall": time.monotonic(), "verify": own_cpu()} | {
            name: process_cpu(pid) for name, pid in self.servers.items()
        }

    @contextmanager
    def scenario(self, number: int, name: str, title: str) -> Iterator[None]:
        before = self.sample()
        try:
            yield
        finally:
            after = self.sample()
            self.rows.setdefault(f"{number:02d} {name}", []).append({k: after[k] - before[k] for k in after})

    def table(self) -> str:
        columns = ["wall", "verify", *self.servers]
        lines = [
            f"{'scenario (median s)':<38}" + "".join(f"{c + (' cpu' if c != 'wall' else ''):>13}" for c in columns)
        ]
        totals = dict.fromkeys(columns, 0.0)
        for name, samples in self.rows.items():
            medians = {c: statistics.median(s[c] for s in samples) for c in columns}
            for c in columns:
                totals[c] += medians[c]
            lines.append(f"{name:<38}" + "".join(f"{medians[c]:>13.2f}" for c in columns))
        lines.append(f"{'sum of medians':<38}" + "".join(f"{totals[c]:>13.2f}" for c in columns))
        return "\n".join(lines)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the running, already deployed stack of SFPAY_STATE_DIR (no start, deploy or stop)",
    )
    args = parser.parse_args()

    if not args.reuse:
        os.environ["SFPAY_STATE_DIR"] = tempfile.mkdtemp(prefix="sfpay-bench-")
    from harness.preflight import check_deployment
    from harness.results import Outcome
    from harness.runner import run_scenarios
    from harness.scenario import all_scenarios
    from harness.spec_view import default_spec_path, load
    from harness.stack import deploy_local, local_up, sfpay
    from harness.targets.local import LocalTarget
    from sfpay.stack_state import load_state

    try:
        started = time.monotonic()
        stack, up_seconds = local_up()
        deploy_seconds = 0.0 if args.reuse else deploy_local()
        print(f"stack up {up_seconds:.1f} s, deploy {deploy_seconds:.1f} s (setup {time.monotonic() - started:.1f} s)")
        spec_view = load(default_spec_path())
        state = load_state()
        breakdown = Breakdown({"org": state.org_pid, "stripesim": state.stripe_pid} if state else {})
        walls: list[float] = []
        per_scenario: dict[str, list[float]] = {}
        latencies: list[float] = []
        for run in range(1, args.runs + 1):
            target = LocalTarget(spec_view, deploy=False, stack=stack)
            connection = target.open()
            check_deployment(connection.sf, spec_view, hint=target.deploy_hint)
            try:
                summary = run_scenarios(target, connection, spec_view, all_scenarios(), progress=breakdown)
            finally:
                target.close()
            walls.append(summary.duration_seconds)
            for r in summary.results:
                per_scenario.setdefault(r.name, []).append(r.duration_seconds)
            latencies += [
                t.seconds
                for r in summary.results
                for t in r.timings
                if t.label.endswith("-> Paid") or t.label.endswith("-> Paid on the Opportunity")
            ]
            bad = [f"{r.name}: {r.reason}" for r in summary.results if r.outcome is not Outcome.PASSED]
            print(
                f"run {run}: {summary.duration_seconds:.2f} s, {summary.count(Outcome.PASSED)}/{len(summary.results)} passed"
                + (f" (not passed: {'; '.join(bad)})" if bad else "")
            )
        print()
        print(
            f"full local suite ({len(all_scenarios())} scenarios), {len(walls)} runs: median {statistics.median(walls):.2f} s "
            f"(min {min(walls):.2f}, max {max(walls):.2f}); target < 20 s"
        )
        suite = statistics.median(walls)
        figure(
            "bench_harness.py",
            f"the {len(all_scenarios())} local scenarios, one run",
            suite,
            "s",
            target="< 20 s",
            met=suite < 20,
        )
        figure("bench_harness.py", "payment -> Paid latency p99", percentile(latencies, 99) * 1000, "ms")
        print(
            "per scenario (median s): " + ", ".join(f"{n} {statistics.median(v):.2f}" for n, v in per_scenario.items())
        )
        print(breakdown.table())
        print(
            f"payment -> Paid latency over {len(latencies)} payments: p50 {percentile(latencies, 50) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 99) * 1000:.0f} ms"
        )
        return 0
    finally:
        if not args.reuse:
            sfpay(["local", "down"], timeout=60)


if __name__ == "__main__":
    raise SystemExit(main())
