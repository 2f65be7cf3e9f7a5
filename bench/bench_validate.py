"""Benchmark: cold `sfpay validate` versus Lightning Flow Scanner on the same flows.

Each run is a new process, as in CI or a pre-commit hook. Runs of the two tools alternate,
so both see the same machine load. Prints the median wall time of several runs of each (and
the median CPU time, user + sys, which other processes on the machine disturb less), and
their ratio. `sfpay validate` is measured twice: with its on-disk cache warm (every run after
the first on a machine) and with an empty cache (the very first run).

Targets (issue 17): with its cache warm at most 0.4x the scanner's wall time, with an empty
cache at most 0.6x.

    python bench/bench_validate.py [PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import figure  # noqa: E402

CHECKERS = ROOT / "tools" / "checkers"


def timed(command: list[str], env: dict, cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child, exit code) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode not in (0, 1) or b"Traceback" in result.stderr:
        sys.exit(f"{' '.join(command)} failed (exit {result.returncode}):\n{result.stderr.decode(errors='replace')}")
    return elapsed, cpu, result.returncode


class Series:
    def __init__(self, label: str):
        self.label, self.code = label, 0
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def add(self, sample: tuple[float, float, int]) -> None:
        self.wall.append(sample[0] * 1000)
        self.cpu.append(sample[1] * 1000)
        self.code = sample[2]

    def line(self) -> str:
        return (
            f"{self.label:40} median {statistics.median(self.wall):7.1f} ms wall, "
            f"{statistics.median(self.cpu):7.1f} ms CPU  (exit {self.code})"
        )


def fresh_cache_run(command: list[str], env: dict) -> tuple[float, float, int]:
    cache = tempfile.mkdtemp(prefix="sfpay-bench-cache-")
    try:
        return timed(command, {**env, "SFPAY_CACHE_DIR": cache}, ROOT)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default="force-app", help="source tree (default: force-app)")
    parser.add_argument("--runs", type=int, default=9, help="runs per measurement (default: 9)")
    options = parser.parse_args()
    path = Path(options.path)
    if not (ROOT / path).exists() and not path.exists():
        sys.exit(f"{path} does not exist")
    if not (CHECKERS / "node_modules" / "@flow-scanner").is_dir():
        sys.exit("Lightning Flow Scanner is not installed: run `npm ci` in tools/checkers")
    flows = sorted(str(p) for p in Path(ROOT / path).rglob("*.flow-meta.xml"))

    env = dict(os.environ)
    # Measure what users get: Python's bytecode cache on (an environment may switch it off;
    # then every run would recompile every module from source).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    warm_cache = tempfile.mkdtemp(prefix="sfpay-bench-cache-")
    env["SFPAY_CACHE_DIR"] = warm_cache
    sfpay = [sys.executable, "-m", "sfpay", "validate", str(path)]
    direct = [sys.executable, "-m", "validator", str(path)]
    startup = [sys.executable, "-m", "sfpay", "validate", "--list-rules"]
    scanner = ["node", str(CHECKERS / "run-flow-scanner.js"), str(path)]
    warm, first, scan = (
        Series("sfpay validate (cache warm)"),
        Series("sfpay validate (empty cache)"),
        Series("Lightning Flow Scanner 6.6.0"),
    )
    bare = Series("python -m validator (no sfpay start-up)")
    overhead = Series("sfpay start-up alone (--list-rules)")
    try:
        timed(sfpay, env, ROOT)  # fill the caches once, as any earlier run on the machine would
        timed(direct, env, ROOT)
        timed(scanner, env, ROOT)  # and let the OS cache node_modules
        for _ in range(options.runs):
            warm.add(timed(sfpay, env, ROOT))
            scan.add(timed(scanner, env, ROOT))
            first.add(fresh_cache_run(sfpay, env))
            bare.add(timed(direct, env, ROOT))
            overhead.add(timed(startup, env, ROOT))
    finally:
        shutil.rmtree(warm_cache, ignore_errors=True)

    print(f"tree: {path} ({len(flows)} flows), {options.runs} runs each, new process per run, interleaved")
    for series in (warm, first, bare, overhead, scan):
        print(series.line())
    ratio_wall = statistics.median(warm.wall) / statistics.median(scan.wall)
    ratio_cpu = statistics.median(warm.cpu) / statistics.median(scan.cpu)
    ratio_first = statistics.median(first.wall) / statistics.median(scan.wall)
    print(
        f"ratio sfpay/scanner: {ratio_wall:.2f} wall, {ratio_cpu:.2f} CPU (cache warm); {ratio_first:.2f} wall (empty cache)"
    )
    for series, limit in ((warm, 0.4), (first, 0.6)):
        value = statistics.median(series.wall)
        figure(
            "bench_validate.py",
            f"`{series.label}` wall (median)",
            value,
            "ms",
            peer=statistics.median(scan.wall),
            peer_name="Lightning Flow Scanner 6.6.0",
            target=f"<= {limit}x the scanner",
            met=value <= limit * statistics.median(scan.wall),
        )
    bare_ratio = statistics.median(bare.wall) / statistics.median(scan.wall)
    print(
        f"validation itself (python -m validator) vs scanner: {bare_ratio:.2f} wall; the rest of `sfpay validate` "
        f"is the sfpay command tree's start-up ({statistics.median(overhead.wall):.0f} ms wall for --list-rules)"
    )


if __name__ == "__main__":
    main()
