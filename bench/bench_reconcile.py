"""Benchmark: `sfpay reconcile` time and peak memory against the local stack's servers.

    python bench/bench_reconcile.py [--sizes 1000,10000] [--runs 1]

For each size N it starts an org server (orgsim over HTTPS, in-memory) and stripesim in this
process and seeds them quickly, bypassing the flows (which would make 5 Stripe calls per
Opportunity): the spec is rendered with `flows.status: Draft` so no flow runs, N draft
invoices are created with the stripe SDK (one call each, against one customer), and N
Opportunities holding those invoice ids go in through the org's sObject Collections REST
API (200 per call). Then a child process (so the servers' memory is not counted) runs the
same `operate.reconcile.run.reconcile` the command runs, over simple-salesforce and the
stripe SDK, and reports wall time and the process's peak resident set (VmHWM, which
includes the interpreter, the imported libraries and SQLite's page cache); a second child
run with tracemalloc on reports the peak of Python allocations (tracemalloc slows
allocation-heavy code several times over, so it is kept out of the timed run).

Not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import figure  # noqa: E402

DRAFT_SPEC = "flows:\n  status: Draft\n"


def peak_rss_kib() -> int:
    """This process's own peak resident set: VmHWM of its memory map. Not ru_maxrss, which Linux
    carries across execve (getrusage(2)), so a child started from the bench (whose servers hold
    every seeded record) would report the parent's peak at fork time."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def child() -> int:
    """Run reconcile once against the servers named in the environment; print one JSON line."""
    import tracemalloc

    import stripe
    from simple_salesforce import Salesforce

    from generator.spec.model import Spec
    from operate.reconcile.facts import facts_from_spec
    from operate.reconcile.run import reconcile

    sf = Salesforce(instance_url=os.environ["BENCH_INSTANCE_URL"], session_id=os.environ["BENCH_TOKEN"], version="66.0")
    client = stripe.StripeClient(
        os.environ["BENCH_STRIPE_KEY"], base_addresses={"api": os.environ["BENCH_STRIPE_BASE"]}, max_network_retries=3
    )
    trace = os.environ.get("BENCH_TRACE") == "1"
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    result = reconcile(sf, client, facts_from_spec(Spec()))
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory() if trace else (0, 0)
    rss_kib = peak_rss_kib()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "tracemalloc_peak_mib": peak / 2**20,
                "max_rss_mib": rss_kib / 1024,
                "org_rows": result.org_rows,
                "stripe_rows": result.stripe_rows,
                "counts": dict(result.counts),
            }
        )
    )
    return 0


def seed(n: int, sf, client) -> tuple[float, float]:
    started = time.perf_counter()
    customer = client.v1.customers.create({"email": "bench@example.org"})
    ids = [
        client.v1.invoices.create(
            {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
        ).id
        for _ in range(n)
    ]
    stripe_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for start in range(0, n, 200):
        records = [
            {
                "attributes": {"type": "Opportunity"},
                "Name": f"Bench {start + i}",
                "StageName": "Prospecting",
                "CloseDate": "2026-12-31",
                "Amount": 0,
                "Stripe_Invoice_ID__c": invoice_id,
                "Stripe_Payment_Status__c": "Open",
            }
            for i, invoice_id in enumerate(ids[start : start + 200])
        ]
        saved = sf.restful("composite/sobjects", method="POST", json={"allOrNone": True, "records": records})
        assert all(r["success"] for r in saved), saved[:1]
    return stripe_seconds, time.perf_counter() - started


def one_size(n: int, runs: int, work: Path) -> None:
    import stripe
    from simple_salesforce import Salesforce

    from orgsim import Org, StripeConfig
    from orgsim.server.app import create_app
    from orgsim.server.config import ServerConfig
    from orgsim.server.running import start_in_thread
    from orgsim.server.sessions import SessionIssuer
    from orgsim.server.tls import ca_bundle, ensure_certificate
    from sfpay.serving import free_port
    from stripesim.running import start

    spec = work / "draft.yml"
    spec.write_text(DRAFT_SPEC, encoding="utf-8")
    tree = work / f"force-app-{n}"
    subprocess.run(
        [sys.executable, "-m", "sfpay", "generate", "--spec", str(spec), "--out", str(tree)],
        check=True,
        capture_output=True,
    )
    cert, key = ensure_certificate(work / "tls")
    bundle = str(ca_bundle(cert.parent, cert))
    os.environ["REQUESTS_CA_BUNDLE"] = bundle
    sim = start()
    org = Org.open(":memory:", stripe=StripeConfig(api_base=sim.base_url, api_key=sim.api_key))
    org.deploy_source(tree)
    port = free_port()
    config = ServerConfig(instance_url=f"https://127.0.0.1:{port}", password="bench-pass", security_token="T")
    server = start_in_thread(create_app(org, config), port, cert, key)
    try:
        token, _ = SessionIssuer(config).issue(config.username)
        sf = Salesforce(session_id=token, instance_url=config.instance_url, version="66.0")
        client = stripe.StripeClient(sim.api_key, base_addresses={"api": sim.base_url})
        stripe_s, org_s = seed(n, sf, client)
        print(
            f"N={n:,}: seeded {n:,} draft invoices in {stripe_s:.1f} s, {n:,} Opportunities in {org_s:.1f} s",
            flush=True,
        )
        env = {
            **os.environ,
            "BENCH_INSTANCE_URL": config.instance_url,
            "BENCH_TOKEN": token,
            "BENCH_STRIPE_KEY": sim.api_key,
            "BENCH_STRIPE_BASE": sim.base_url,
        }
        for run in range(runs):
            timed, traced = (
                json.loads(
                    subprocess.run(
                        [sys.executable, __file__, "--child"],
                        env={**env, "BENCH_TRACE": trace},
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    .stdout.strip()
                    .splitlines()[-1]
                )
                for trace in ("0", "1")
            )
            print(
                f"  run {run + 1}: reconcile {timed['seconds']:.1f} s, max RSS {timed['max_rss_mib']:.0f} MiB; "
                f"with tracemalloc {traced['seconds']:.1f} s, peak {traced['tracemalloc_peak_mib']:.1f} MiB, "
                f"max RSS {traced['max_rss_mib']:.0f} MiB; read {timed['org_rows']:,} + {timed['stripe_rows']:,}, "
                f"{timed['counts']}",
                flush=True,
            )
            figure(
                "bench_reconcile.py", f"`sfpay reconcile` over {n:,} Opportunities + invoices", timed["seconds"], "s"
            )
            figure("bench_reconcile.py", f"reconcile peak RSS at {n:,}", timed["max_rss_mib"], "MiB")
    finally:
        server.stop()
        sim.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child()
    with tempfile.TemporaryDirectory(prefix="sfpay-bench-reconcile-") as work:
        for n in (int(s) for s in args.sizes.split(",")):
            one_size(n, args.runs, Path(work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
