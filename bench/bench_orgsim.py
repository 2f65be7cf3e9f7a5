"""Benchmark: Opportunities through the four generated flows, with stripesim on loopback.

    python bench/bench_orgsim.py [--opportunities 10000] [--batch 200] [--runs 3]
                                 [--spec specs/ct-nonprofit.yml] [--db file|memory] [--in-process-sim]
                                 [--scaling 1000,10000,100000] [--stripe-base URL]

The org is the committed force-app deployed into orgsim; every value the bench writes comes from
the spec (eligible stage, amounts at or above `invoicing.minimum_amount`, field names, the Stripe
Account record's name). Per batch of `--batch` Opportunities (one insert call each):
  - the Opportunities are inserted, then their payers as primary contacts (a Contact and an
    OpportunityContactRole each, two insert calls), as a data loader would;
  - the org clock moves 2 minutes: flow 1's scheduled path (1 minute after the save, batch size 1)
    finds or creates the customer (one per Account), creates, items, finalizes and sends the
    invoice and writes it back; flow 3 queues its reminder;
  - every 10th Opportunity's amount changes and the clock moves 2 minutes: flow 2 reissues it
    (new invoice sent, the old one voided last);
  - every 10th invoice is paid in Stripe; its invoice.paid event goes through intake and the clock
    moves 2 minutes: flow 4 re-reads the invoice and applies its status.
After the last batch the clock moves to the reminder day: flow 3 sends reminders for the unpaid.

Prints, per run and as medians: Opportunities/s (org-side time: the org API calls and clock
advances, including the flows' callouts; the benchmark's own payment calls excluded), the
maximum SOQL, DML statements, DML rows and callouts used by any one transaction, transactions
that hit a limit, failed interviews, and peak resident memory of this process (the org;
stripesim runs in its own process unless --in-process-sim), the org process's CPU per
Opportunity (less sensitive to other load than wall time), and the governor headroom: per flow
path (and per kind of save) the peak callouts, SOQL, DML statements/rows and emulator CPU of any
one transaction against the limit. `--scaling` runs each size once and prints the
per-Opportunity cost against the first size (target: within 1.2x).

`sim_cpu_ms_per_opp` is stripesim's own CPU (user+system, read through psutil) during the timed
org work, when it runs as its own process: with the scheduled paths serial and every callout
waiting for its answer, org CPU + stripesim CPU per Opportunity is the floor of the wall time
per Opportunity (docs/orgsim.md, "The throughput ceiling"). `--profile FILE` writes a cProfile
(process CPU) of the timed org work only, for `python -m pstats FILE`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import figure  # noqa: E402

if TYPE_CHECKING:
    from orgsim.dml.results import SaveResult


def process_cpu_seconds(pid: int | None) -> float | None:
    """User+system CPU of another process (stripesim's), from /proc; None where unreadable."""
    if pid is None:
        return None
    try:
        import psutil

        times = psutil.Process(pid).cpu_times()
    except Exception:  # noqa: BLE001 - the figure is optional; no process or no psutil: leave it out
        return None
    return times.user + times.system


@contextlib.contextmanager
def stripe_sim(in_process: bool):
    """Yields (api base, api key, pid of the stripesim process or None)."""
    if in_process:
        from stripesim import SimConfig, start_sim

        with start_sim(SimConfig()) as sim:
            yield sim.base_url, sim.api_key, None
        return
    from sfpay.serving import free_port
    from stripesim.config import DEFAULT_API_KEY

    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in sys.path if p.endswith("pp")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "sfpay", "stripe-sim", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("stripesim did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", DEFAULT_API_KEY, proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


def saved_ids(results: list[SaveResult]) -> list[str]:
    """The Ids of records the bench inserted; a row that did not save would skew every figure
    after it, so the run stops instead."""
    ids = [r.id for r in results if r.id is not None]
    if len(ids) != len(results):
        raise SystemExit(f"insert failed: {[r.to_dict() for r in results if r.id is None][:2]}")
    return ids


def load_bench_spec(path: Path):
    from generator.spec.loader import load_spec

    return load_spec(path)


def run_once(args, spec, base_url: str, api_key: str, sim_pid: int | None = None) -> dict:
    import stripe

    from orgsim import Org, StripeConfig
    from orgsim.storage.predicate import Compare

    invoice_field = spec.fields.invoice_id.api_name
    status_field = spec.fields.payment_status.api_name
    stage = spec.invoicing.eligible_stages[0]
    low = max(int(spec.invoicing.minimum_amount) + 1, 1)

    def amount(i: int) -> int:
        return low + i % 900

    with tempfile.TemporaryDirectory() as tmp:
        path = ":memory:" if args.db == "memory" else Path(tmp) / "org.sqlite3"
        org = Org.open(
            path,
            stripe=StripeConfig(
                api_base=base_url,
                api_key=api_key,
                max_parallel_requests=args.parallel_requests,
                connector_namespace=spec.stripe.namespace,
            ),
        )
        org.deploy_source(ROOT)
        org.insert(f"{spec.stripe.namespace}__Stripe_Account__c", [{"Name": spec.stripe.account_name}])
        accounts: list[str] = []
        for start in range(0, args.accounts, 200):
            accounts += saved_ids(
                org.insert("Account", [{"Name": f"Donor {i}"} for i in range(start, min(start + 200, args.accounts))])
            )
        client = stripe.StripeClient(api_key, base_addresses={"api": base_url})
        org_seconds = 0.0
        seen_events: set[str] = set()
        made = 0

        org_cpu = 0.0
        sim_cpu = 0.0
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile(time.process_time)

        def timed(action) -> None:
            nonlocal org_seconds, org_cpu, sim_cpu
            s0 = process_cpu_seconds(sim_pid)
            t0, c0 = time.perf_counter(), time.process_time()
            if profiler is not None:
                profiler.enable()
            action()
            if profiler is not None:
                profiler.disable()
            org_seconds += time.perf_counter() - t0
            org_cpu += time.process_time() - c0
            s1 = process_cpu_seconds(sim_pid)
            if s0 is not None and s1 is not None:
                sim_cpu += s1 - s0

        while made < args.opportunities:
            size = min(args.batch, args.opportunities - made)
            rows = [
                {
                    "Name": f"Gift {made + i}",
                    "StageName": stage,
                    "CloseDate": "2026-12-31",
                    "Amount": amount(made + i),
                    "AccountId": accounts[(made + i) % len(accounts)],
                }
                for i in range(size)
            ]
            ids: list[str] = []

            def create() -> None:
                ids.extend(saved_ids(org.insert("Opportunity", rows)))
                contacts = org.insert(
                    "Contact",
                    [{"LastName": f"Payer {made + i}", "Email": f"payer{made + i}@example.org"} for i in range(size)],
                )
                org.insert(
                    "OpportunityContactRole",
                    [{"OpportunityId": o, "ContactId": c.id, "IsPrimary": True} for o, c in zip(ids, contacts)],
                )
                org.clock.advance(minutes=2)

            timed(create)
            timed(
                lambda: (
                    org.update("Opportunity", [{"Id": rid, "Amount": amount(7) + 500} for rid in ids[::10]]),
                    org.clock.advance(minutes=2),
                )
            )
            paid_rows = org.select("Opportunity", [invoice_field], Compare("Id", "IN", ids[5::10]))
            paid_now = {row[invoice_field] for row in paid_rows if row[invoice_field]}
            for invoice_id in sorted(paid_now):
                client.v1.invoices.pay(invoice_id, {"payment_method": "pm_card_visa"})
            # Newest first; this batch paid at most batch/10 invoices, so they are all on the first page.
            events = [
                e.to_dict()
                for e in client.v1.events.list({"type": "invoice.paid", "limit": 100}).data
                if e.data.object.id in paid_now
            ]

            def deliver() -> None:
                for event in reversed(events):
                    if event["id"] not in seen_events:
                        seen_events.add(event["id"])
                        org.intake_stripe_event(event)
                org.clock.advance(minutes=2)

            timed(deliver)
            made += size
        timed(lambda: org.clock.advance(days=31))
        usage = org.limits_usage()
        tx = usage["transactions"]
        result = {
            "opportunities": made,
            "seconds": org_seconds,
            "opp_per_s": made / org_seconds,
            "ms_per_opp": 1000 * org_seconds / made,
            "cpu_ms_per_opp": 1000 * org_cpu / made,
            "sim_cpu_ms_per_opp": 1000 * sim_cpu / made if sim_pid is not None else float("nan"),
            "stripe_wait_s": org.stripe.wall_seconds,
            "opp_per_s_org_only": made / max(org_seconds - org.stripe.wall_seconds, 1e-9),
            "max_soql": usage["max"]["soql"],
            "max_dml": usage["max"]["dml"],
            "max_dml_rows": usage["max"]["dml_rows"],
            "max_callouts": usage["max"]["callouts"],
            "transactions": len(tx),
            "limit_exceeded": sum(1 for t in tx if "LimitException" in t["outcome"]),
            "failed_interviews": len(org.failed_interviews()),
            "invoiced": org.count("Opportunity", Compare(invoice_field, "!=", None)),
            "paid": org.count("Opportunity", Compare(status_field, "=", spec.fields.payment_status.paid)),
            "reminders": len(org.outbox()),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "by_flow": usage["by_flow"],
        }
        org.close()
        if profiler is not None:
            profiler.dump_stats(args.profile)
            print(f"profile of the timed org work (process CPU) written to {args.profile}")
        return result


HEADROOM = ("callouts", "soql", "dml", "dml_rows", "cpu_ms")


def print_headroom(by_flow: dict) -> None:
    """Governor headroom: per flow path (and per kind of save), the most any one transaction
    used of each limit, and the tightest of them as a share of its limit (issue 17 item 4)."""
    from orgsim.limits import CPU_LIMIT_MS, DEFAULT_LIMITS

    names = {"callouts": "callouts", "soql": "SOQL", "dml": "DML stmts", "dml_rows": "DML rows", "cpu_ms": "CPU ms"}
    print("\ngovernor headroom (peak of any one transaction / limit):")
    print(f"  {'flow path or save':60} {'tx':>6}  " + "  ".join(f"{names[c]:>12}" for c in HEADROOM) + "  tightest")
    for key, peak in by_flow.items():
        cpu_limit = CPU_LIMIT_MS["sync" if key.startswith("save: ") else "async"]
        limits = {c: cpu_limit if c == "cpu_ms" else DEFAULT_LIMITS[c] for c in HEADROOM}
        cells = "  ".join(f"{f'{peak[c]}/{limits[c]}':>12}" for c in HEADROOM)
        tight = max(HEADROOM, key=lambda c: peak[c] / limits[c])
        share = 100 * peak[tight] / limits[tight]
        print(f"  {key:60} {peak['transactions']:6}  {cells}  {names[tight]} {share:.1f}%")


def run_median(args, spec, base_url, api_key, opportunities: int, runs: int, sim_pid: int | None = None) -> dict:
    results = []
    for n in range(runs):
        args.opportunities = opportunities
        result = run_once(args, spec, base_url, api_key, sim_pid)
        results.append(result)
        print(
            f"run {n + 1} (N={opportunities}): "
            + ", ".join(
                f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items() if k != "by_flow"
            ),
            flush=True,
        )
    median = {k: statistics.median(r[k] for r in results) for k in results[0] if k != "by_flow"}
    by_flow: dict = {}
    for r in results:
        for key, peak in r["by_flow"].items():
            into = by_flow.setdefault(key, dict(peak))
            for c, v in peak.items():
                into[c] = max(into[c], v)
    median["by_flow"] = by_flow
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--opportunities", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--spec", type=Path, default=ROOT / "specs" / "ct-nonprofit.yml")
    parser.add_argument("--db", choices=["file", "memory"], default="file")
    parser.add_argument(
        "--parallel-requests",
        type=int,
        default=8,
        help="connector requests of one bulk action in flight at once (StripeConfig.max_parallel_requests)",
    )
    parser.add_argument("--in-process-sim", action="store_true", help="run stripesim in this process (shares the GIL)")
    parser.add_argument("--stripe-base", help="use a stripesim already running at this URL (e.g. under a profiler)")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="write a cProfile (process CPU) of the timed org work to this file (pstats format)",
    )
    parser.add_argument(
        "--scaling",
        default=None,
        help="comma-separated sizes (e.g. 1000,10000,100000): one run each, per-Opportunity cost against the "
        "first; target: the last within 1.2x of the first",
    )
    args = parser.parse_args()
    spec = load_bench_spec(args.spec)
    sim = (
        contextlib.nullcontext((args.stripe_base, __import__("stripesim.config").config.DEFAULT_API_KEY, None))
        if args.stripe_base
        else stripe_sim(args.in_process_sim)
    )
    with sim as (base_url, api_key, sim_pid):
        if args.scaling:
            sizes = [int(n) for n in args.scaling.split(",")]
            rows = [(n, run_median(args, spec, base_url, api_key, n, 1, sim_pid)) for n in sizes]
            first = rows[0][1]
            print("\nper-Opportunity cost by size (org side, wall and org-process CPU):")
            for n, r in rows:
                print(
                    f"  N={n:>7}: {r['ms_per_opp']:7.2f} ms wall ({r['ms_per_opp'] / first['ms_per_opp']:.2f}x), "
                    f"{r['cpu_ms_per_opp']:6.2f} ms CPU ({r['cpu_ms_per_opp'] / first['cpu_ms_per_opp']:.2f}x)"
                )
            growth = rows[-1][1]["cpu_ms_per_opp"] / first["cpu_ms_per_opp"]
            met = growth <= 1.2
            print(
                f"\ntarget per-Opportunity CPU at N={sizes[-1]} within 1.2x of N={sizes[0]} (issue 17): "
                f"{'met' if met else 'NOT met'} ({growth:.2f}x)"
            )
            figure(
                "bench_orgsim.py",
                f"per-Opportunity org CPU at N={sizes[-1]:,} vs N={sizes[0]:,}",
                growth,
                "x",
                target="<= 1.2x",
                met=met,
            )
            print_headroom(rows[-1][1]["by_flow"])
        else:
            median = run_median(args, spec, base_url, api_key, args.opportunities, args.runs, sim_pid)
            print(
                f"\nmedian of {args.runs} runs ({args.opportunities} Opportunities, batches of {args.batch}, "
                f"{args.db} database):"
            )
            for key, value in median.items():
                if key != "by_flow":
                    print(f"  {key:18} {value:.1f}" if isinstance(value, float) else f"  {key:18} {value}")
            print_headroom(median["by_flow"])
            rate = median["opp_per_s"]
            print(f"\ntarget >= 300 Opportunities/s (issue 17): {'met' if rate >= 300 else 'NOT met'} ({rate:.1f})")
            figure(
                "bench_orgsim.py",
                f"end to end, {args.opportunities:,} Opportunities in batches of {args.batch}",
                rate,
                "Opp/s",
                target=">= 300 Opp/s",
                met=rate >= 300,
            )
            figure("bench_orgsim.py", "org-process CPU per Opportunity", median["cpu_ms_per_opp"], "ms")
        from orgsim.limits import DEFAULT_LIMITS

        last = rows[-1][1] if args.scaling else median
        by_flow = last["by_flow"]
        peak_callouts = max((p["callouts"] for p in by_flow.values()), default=0)
        ok = last["limit_exceeded"] == 0 and all(
            p[c] <= DEFAULT_LIMITS[c] for p in by_flow.values() for c in HEADROOM if c != "cpu_ms"
        )
        print(f"no limit exceeded: {'met' if ok else 'NOT met'}; peak callouts {peak_callouts} of 100 (target <= 80)")
        figure(
            "bench_orgsim.py",
            "transactions over a governor limit",
            last["limit_exceeded"],
            "",
            target="0",
            met=ok,
        )
        figure(
            "bench_orgsim.py",
            "peak callouts in one transaction (of 100)",
            peak_callouts,
            "callouts",
            target="<= 80",
            met=peak_callouts <= 80,
        )


if __name__ == "__main__":
    main()
