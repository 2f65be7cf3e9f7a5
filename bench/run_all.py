"""`make bench`: run every benchmark with modest defaults and write one table of figures.

Each script prints its own lines and records its figures (bench/figures.py); this runner
collects them into docs/benchmarks.md (figure, peer figure, ratio, target, met / not met,
with the date and the machine) and copies that table into README.md between the
`<!-- bench:begin -->` and `<!-- bench:end -->` markers, so the README shows only figures the
bench produced. A script that fails still leaves the others' rows; its row says it failed
(a script's exit status 1 for a target it missed is not a failure: its rows say "not met").

    python bench/run_all.py [--only SCRIPT ...] [--no-readme] [--scaling 1000,10000,100000]

`--scaling` adds bench_orgsim's scaling run (one run per size, per-Opportunity org CPU of the
last size against the first; issue 17 targets <= 1.2x). It is off by default: the 100,000 leg
alone takes 20-35 minutes on the 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import RECORD_ENV, Figure, read_figures  # noqa: E402

TABLE = ROOT / "docs" / "benchmarks.md"
README = ROOT / "README.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

# Modest defaults: the whole run takes a few minutes on the 2-core development machine. Each
# script's own defaults measure longer (see its --help).
BENCHES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bench_cli.py", ("--runs", "7")),
    ("bench_validate.py", ("--runs", "5")),
    ("bench_generate.py", ()),
    ("bench_deploy_convert.py", ("--runs", "5")),
    ("bench_stripesim.py", ("--runs", "3", "--iterations", "100")),
    # Webhooks at 50/s (p99 target) and 200/s sustained (loss target), keep-alive and new connections.
    ("bench_org_server.py", ("--seconds", "10", "--rate", "50", "--sustained-rate", "200", "--runs", "2")),
    ("bench_orgsim.py", ("--opportunities", "1000", "--runs", "1")),
    ("bench_harness.py", ("--runs", "1")),
    ("bench_demo.py", ("--runs", "1")),
    ("bench_reconcile.py", ("--sizes", "1000")),
)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".strip()


def table(rows: list[Figure], failed: dict[str, str], started: dt.datetime, load: float) -> str:
    lines = [
        f"Measured {started:%Y-%m-%d %H:%M} UTC by `make bench` (bench/run_all.py) on {machine()}; "
        f"load average {load:.1f} at the start. Medians; each script's own defaults run longer.",
        "",
        "| script | figure | value | peer | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        peer = f"{_number(row.peer, row.unit)} ({row.peer_name})" if row.peer is not None else "-"
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "-"
        met = "-" if row.met is None else ("met" if row.met else "**not met**")
        lines.append(
            f"| `{row.script}` | {row.what} | {_number(row.value, row.unit)} | {peer} | {ratio} | "
            f"{row.target or '-'} | {met} |"
        )
    for script, reason in failed.items():
        lines.append(f"| `{script}` | did not finish: {reason} | - | - | - | - | **not met** |")
    return "\n".join(lines) + "\n"


def update_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    if BEGIN not in readme or END not in readme:
        sys.exit(f"README.md has no {BEGIN} ... {END} markers")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{BEGIN}\n{text}{END}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", default=[], help="run only this script (repeatable)")
    parser.add_argument("--no-readme", action="store_true", help="write docs/benchmarks.md only")
    parser.add_argument("--scaling", metavar="SIZES", help="also run bench_orgsim.py --scaling SIZES (long)")
    options = parser.parse_args()
    chosen = [(s, a) for s, a in BENCHES if not options.only or s in options.only]
    if options.scaling:
        chosen.append(("bench_orgsim.py", ("--scaling", options.scaling)))
    started = dt.datetime.now(dt.timezone.utc)
    load = os.getloadavg()[0]
    failed: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="sfpay-bench-") as work:
        record = str(Path(work) / "figures.jsonl")
        env = {**os.environ, RECORD_ENV: record}
        for script, args in chosen:
            print(f"== {script} {' '.join(args)}", flush=True)
            begun = time.monotonic()
            result = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT, env=env)
            print(f"   ({time.monotonic() - begun:.0f} s)", flush=True)
            # A script may exit 1 for a target it did not meet; its rows say so. Only a script
            # that recorded nothing failed to measure.
            if result.returncode != 0 and not any(row.script == script for row in read_figures(record)):
                failed[script] = f"exit {result.returncode}, no figures"
        rows = read_figures(record)
    text = table(rows, failed, started, load)
    TABLE.write_text("# Benchmarks\n\n" + text, encoding="utf-8")
    if not options.no_readme:
        update_readme(text)
    print(f"\n{text}\nwritten to {TABLE.relative_to(ROOT)}" + ("" if options.no_readme else " and README.md"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
