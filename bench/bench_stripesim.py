"""Benchmark: the invoice sequence through the stripe SDK against stripesim on loopback.

Each iteration is create customer -> create invoice -> add invoice item -> finalize -> pay
(5 requests). Prints requests/s and median/p99 latency per request for several runs, then
the medians across runs. Target: median under 5 ms per request.

Under CPU contention (other jobs on the machine) wall-clock latency mostly measures waiting
for a core, so each run also reports CPU time per request, server process and client
(SDK + HTTP) separately: their sum is the latency an idle machine would approach.

Peer: the same HTTP stack's floor, `GET /_sim/health` (no auth, no storage, tiny body)
through the SDK's own HTTP client on the same server, measured in the same run; the ratio
says how much the emulator's work adds to plain request handling on this machine.

    /work/venv/bin/python bench/bench_stripesim.py [--runs 5] [--iterations 200] [--db] [--in-process]

By default the emulator runs as its own process (`python -m stripesim`, as `sfpay stripe-sim`
would), so client and server do not share one interpreter lock; `--in-process` serves it
from a thread of the benchmark instead (how the tests run it).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import stripe  # noqa: E402

from bench.figures import figure  # noqa: E402
from sfpay.paths import PROJECT_ROOT  # noqa: E402
from sfpay.serving import free_port  # noqa: E402
from stripesim import DEFAULT_API_KEY, SimConfig, start_sim  # noqa: E402

STEPS = ("customer", "invoice", "item", "finalize", "pay")


@contextlib.contextmanager
def emulator(db_path: str | None, in_process: bool):
    """Yield a stripe client on a fresh emulator."""
    if in_process:
        with start_sim(SimConfig(db_path=db_path)) as sim:
            yield sim.stripe_client(), sim.base_url, None
        return
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "stripesim", "--port", str(port)] + (["--db", db_path] if db_path else [])
    proc = subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(base_url + "/_sim/health")
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the emulator did not start")
                time.sleep(0.05)
        client = stripe.StripeClient(DEFAULT_API_KEY, base_addresses={"api": base_url}, max_network_retries=0)
        yield client, base_url, proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


def process_cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of process `pid` (Linux /proc); 0 when unknown."""
    if pid is None:
        return 0.0
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def health_floor(base_url: str, count: int) -> float:
    """Median ms of a trivial GET through the HTTP client library the SDK uses (requests)."""
    import requests

    session = requests.Session()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        session.get(base_url + "/_sim/health").raise_for_status()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def one_run(iterations: int, db_path: str | None, in_process: bool) -> dict:
    with emulator(db_path, in_process) as (client, base_url, pid):
        floor = health_floor(base_url, iterations * len(STEPS) // 2)
        latencies: list[float] = []
        per_step: dict[str, list[float]] = {step: [] for step in STEPS}

        def timed(step, call):
            started = time.perf_counter()
            result = call()
            elapsed = time.perf_counter() - started
            latencies.append(elapsed)
            per_step[step].append(elapsed)
            return result

        for _ in range(5):  # warm-up: connection, imports, caches
            customer = client.v1.customers.create(params={"email": "warm@example.org"})
        started = time.perf_counter()
        server_cpu_before, client_cpu_before = process_cpu_seconds(pid), time.process_time()
        for i in range(iterations):
            customer = timed(
                "customer",
                lambda: client.v1.customers.create(params={"email": f"donor{i}@example.org", "name": f"Donor {i}"}),
            )
            invoice = timed(
                "invoice",
                lambda: client.v1.invoices.create(
                    params={"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
                ),
            )
            timed(
                "item",
                lambda: client.v1.invoice_items.create(
                    params={"customer": customer.id, "invoice": invoice.id, "amount": 5000, "currency": "usd"}
                ),
            )
            timed("finalize", lambda: client.v1.invoices.finalize_invoice(invoice.id))
            paid = timed("pay", lambda: client.v1.invoices.pay(invoice.id, params={"payment_method": "pm_card_visa"}))
            assert paid.status == "paid"
        wall = time.perf_counter() - started
        server_cpu = process_cpu_seconds(pid) - server_cpu_before
        client_cpu = time.process_time() - client_cpu_before
    latencies.sort()
    count = len(latencies)
    return {
        "server_cpu_ms": server_cpu / count * 1000,
        "client_cpu_ms": client_cpu / count * 1000,
        "floor_ms": floor,
        "rps": len(latencies) / wall,
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "steps": {step: statistics.median(values) * 1000 for step, values in per_step.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--db", action="store_true", help="use SQLite storage instead of memory")
    parser.add_argument("--in-process", action="store_true", help="serve from a thread of this process")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            db_path = str(Path(tmp) / f"bench{run}.db") if args.db else None
            result = one_run(args.iterations, db_path, args.in_process)
            results.append(result)
            print(
                f"run {run + 1}: {result['rps']:.0f} req/s, median {result['median_ms']:.2f} ms, "
                f"p99 {result['p99_ms']:.2f} ms; floor (GET /_sim/health) {result['floor_ms']:.2f} ms; "
                f"CPU/request server {result['server_cpu_ms']:.2f} ms + client {result['client_cpu_ms']:.2f} ms"
            )
    keys = ("rps", "median_ms", "p99_ms", "floor_ms", "server_cpu_ms", "client_cpu_ms")
    median = {key: statistics.median(r[key] for r in results) for key in keys}
    steps = {step: statistics.median(r["steps"][step] for r in results) for step in STEPS}
    storage = "sqlite" if args.db else "memory"
    where = "in-process thread" if args.in_process else "own process"
    print(f"\nstripesim ({storage}, {where}), {args.runs} runs x {args.iterations} sequences x {len(STEPS)} requests")
    print(
        f"median of runs: {median['rps']:.0f} req/s, median latency {median['median_ms']:.2f} ms, "
        f"p99 {median['p99_ms']:.2f} ms (target: median < 5 ms)"
    )
    figure("bench_stripesim.py", f"stripesim ({storage}) SDK sequence throughput", median["rps"], "req/s")
    figure(
        "bench_stripesim.py",
        f"stripesim ({storage}) SDK request latency (median)",
        median["median_ms"],
        "ms",
        peer=median["floor_ms"],
        peer_name="its own GET /_sim/health",
        target="< 5 ms",
        met=median["median_ms"] < 5,
    )
    print(
        f"peer floor: GET /_sim/health median {median['floor_ms']:.2f} ms; "
        f"ratio emulator/floor {median['median_ms'] / median['floor_ms']:.2f}x"
    )
    if not args.in_process:
        print(
            f"CPU per request: server {median['server_cpu_ms']:.2f} ms, client (SDK) "
            f"{median['client_cpu_ms']:.2f} ms; sum {median['server_cpu_ms'] + median['client_cpu_ms']:.2f} ms"
        )
    print("median per step (ms): " + ", ".join(f"{s} {v:.2f}" for s, v in steps.items()))
    return 0 if median["median_ms"] < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
