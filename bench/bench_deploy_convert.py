"""Benchmark: converting force-app to a Metadata API package (the work deploy_source does
before it calls Salesforce), against the Salesforce CLI's `sf project convert source` when
that is installed. Prints the median of several runs.

    python bench/bench_deploy_convert.py [--runs 15]
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from pipeline.mdapi.convert import _custom_object_order, convert_source

    source = ROOT / "force-app"
    cold_start = time.perf_counter()
    _custom_object_order()  # WSDL read once per process
    cold = time.perf_counter() - cold_start
    timings = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            conversion = convert_source(source, Path(tmp) / "out", "66.0", flow_status="Draft")
            timings.append(time.perf_counter() - start)
    components = sum(len(m) for m in conversion.members.values())
    ours = statistics.median(timings)
    print(
        f"sfpay converter: {components} components, median {ours * 1000:.1f} ms over {args.runs} runs "
        f"(+ {cold * 1000:.0f} ms once per process to read the WSDL's CustomObject order)"
    )

    figure(
        "bench_deploy_convert.py",
        f"SFDX -> Metadata API conversion of force-app ({components} components)",
        ours * 1000,
        "ms",
    )
    sf = shutil.which("sf")
    if sf is None:
        print("sf project convert source: Salesforce CLI not installed, no comparison")
        return
    peer = []
    for _ in range(min(args.runs, 5)):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            subprocess.run(
                [sf, "project", "convert", "source", "-r", str(source), "-d", str(Path(tmp) / "out")],
                check=True,
                capture_output=True,
            )
            peer.append(time.perf_counter() - start)
    print(
        f"sf project convert source: median {statistics.median(peer) * 1000:.0f} ms; "
        f"ratio sf/sfpay {statistics.median(peer) / ours:.0f}x"
    )


if __name__ == "__main__":
    main()
