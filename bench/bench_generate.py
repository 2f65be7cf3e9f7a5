"""Benchmark of the generator: spec load, render, canonical write, --check, CLI start.

Prints medians of several runs (seconds). Run: /work/venv/bin/python bench/bench_generate.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import figure  # noqa: E402
from generator.output import compare, write_tree  # noqa: E402
from generator.render import render  # noqa: E402
from generator.spec import load_spec  # noqa: E402

SPECS = {"default": ROOT / "specs/ct-nonprofit.yml", "eu": ROOT / "specs/examples/eu-three-types.yml"}
RUNS = 7


def median(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    render(load_spec(SPECS["default"]))  # warm: template compilation, schema slice
    for name, path in SPECS.items():
        spec = load_spec(path)
        files = render(spec)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "force-app"
            print(f"{name}: load spec        {median(lambda: load_spec(path)):.4f} s")
            print(f"{name}: render {len(files)} files  {median(lambda: render(spec)):.4f} s")
            print(f"{name}: write tree       {median(lambda: write_tree(files, out)):.4f} s")
            print(f"{name}: compare (--check) {median(lambda: compare(files, out)):.4f} s")
    spec = load_spec(SPECS["default"])
    figure("bench_generate.py", "render the default spec (in process, warm)", median(lambda: render(spec)) * 1000, "ms")
    cli = [sys.executable, "-m", "sfpay", "generate", "--check"]
    print(
        f"cli: sfpay generate --check (process) {median(lambda: subprocess.run(cli, cwd=ROOT, capture_output=True), 5):.3f} s"
    )
    help_cmd = [sys.executable, "-m", "sfpay", "--help"]
    print(
        f"cli: sfpay --help (process)           {median(lambda: subprocess.run(help_cmd, cwd=ROOT, capture_output=True), 5):.3f} s"
    )


if __name__ == "__main__":
    main()
