"""Benchmark: cold `sfpay validate` versus Lightning Flow Scanner on the same flows.

Each run is a new process, as in CI or a pre-commit hook. Prints the median of several runs
of each, and their ratio. `sfpay validate` is measured twice: with its on-disk schema-slice
cache warm (every run after the first on a machine) and with an empty cache (the first run).

Target (issue #3): sfpay validate < 1 s, and no slower than the scanner.

    python bench/bench_validate.py [PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKERS = ROOT / "tools" / "checkers"


def timed(command: list[str], env: dict, cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1) or b"Traceback" in result.stderr:
        sys.exit(f"{' '.join(command)} failed (exit {result.returncode}):\n{result.stderr.decode(errors='replace')}")
    return elapsed, result.returncode


def median_ms(command: list[str], runs: int, env: dict, fresh_cache: bool = False) -> tuple[float, int]:
    times, code = [], 0
    for _ in range(runs):
        run_env = dict(env)
        cache = None
        if fresh_cache:
            cache = tempfile.mkdtemp(prefix="sfpay-bench-cache-")
            run_env["SFPAY_CACHE_DIR"] = cache
        try:
            elapsed, code = timed(command, run_env, ROOT)
        finally:
            if cache:
                shutil.rmtree(cache, ignore_errors=True)
        times.append(elapsed)
    return statistics.median(times) * 1000, code


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
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    warm_cache = tempfile.mkdtemp(prefix="sfpay-bench-cache-")
    env["SFPAY_CACHE_DIR"] = warm_cache
    sfpay = [sys.executable, "-m", "sfpay", "validate", str(path)]
    scanner = ["node", str(CHECKERS / "run-flow-scanner.js"), str(path)]
    try:
        timed(sfpay, env, ROOT)  # fill the cache once, as any earlier run on the machine would
        timed(scanner, env, ROOT)  # and let the OS cache node_modules
        sfpay_warm, sfpay_code = median_ms(sfpay, options.runs, env)
        sfpay_first, _ = median_ms(sfpay, options.runs, env, fresh_cache=True)
        scan_ms, scan_code = median_ms(scanner, options.runs, env)
    finally:
        shutil.rmtree(warm_cache, ignore_errors=True)

    print(f"tree: {path} ({len(flows)} flows), {options.runs} cold runs each, new process per run")
    print(f"sfpay validate (schema cache warm):  median {sfpay_warm:7.1f} ms  (exit {sfpay_code})")
    print(f"sfpay validate (empty schema cache): median {sfpay_first:7.1f} ms")
    print(f"Lightning Flow Scanner 6.6.0:        median {scan_ms:7.1f} ms  (exit {scan_code})")
    print(f"ratio sfpay/scanner: {sfpay_warm / scan_ms:.2f} (warm cache), {sfpay_first / scan_ms:.2f} (empty cache)")
    met = sfpay_warm < 1000 and sfpay_warm <= scan_ms
    print(f"target (< 1000 ms and no slower than the scanner): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
