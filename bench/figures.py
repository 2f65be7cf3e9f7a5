"""One row per measured figure, for the table `make bench` writes (bench/run_all.py).

Every bench script calls `figure(...)` for what it measured: the line is printed (with the
target and whether it is met) and, when `make bench` runs the script, also appended as JSON
to the file named by SFPAY_BENCH_RECORD. Targets live here, in the bench scripts, never in
timed tests.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

RECORD_ENV = "SFPAY_BENCH_RECORD"


@dataclass(frozen=True)
class Figure:
    script: str
    what: str
    value: float
    unit: str
    peer: float | None = None
    peer_name: str | None = None
    target: str | None = None
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.peer if self.peer else None


def figure(
    script: str,
    what: str,
    value: float,
    unit: str,
    *,
    peer: float | None = None,
    peer_name: str | None = None,
    target: str | None = None,
    met: bool | None = None,
) -> Figure:
    """Print and record one figure. `target` says the goal in words ("<= 0.6x the scanner");
    `met` is the script's own verdict on it."""
    row = Figure(script, what, float(value), unit, peer, peer_name, target, met)
    line = f"{what}: {value:.4g} {unit}"
    if peer is not None:
        line += f" vs {peer:.4g} {unit} {peer_name or 'peer'} (ratio {row.ratio:.2f})"
    if target is not None:
        line += f"; target {target}: {'met' if met else 'NOT met'}"
    print(line, flush=True)
    path = os.environ.get(RECORD_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(row)) + "\n")
    return row


def read_figures(path: str) -> list[Figure]:
    try:
        with open(path, encoding="utf-8") as rows:
            return [Figure(**json.loads(line)) for line in rows if line.strip()]
    except FileNotFoundError:
        return []
