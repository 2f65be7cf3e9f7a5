"""Benchmark: stripesim through the stripe SDK on loopback, against localstripe, and how its
lists and search grow with the store.

1. Shared sequence, stripesim vs localstripe (the peer, https://pypi.org/project/localstripe/),
   measured in the same run, alternating A B A B, each server in its own process and new per
   run: the 7 calls both serve (create, retrieve, update a customer; create and retrieve an
   invoice item; list the customer's invoice items and invoices), at each store size of
   `--stored` (default 0 and 1,000): the server starts with that many customers, each with one
   invoice item, already stored (seeded in its own process by bench/serve_seeded_*.py, through
   each emulator's own create code), and the timed sequence adds to them. localstripe is
   installed only for the bench, in its own venv under ~/.cache/sfpay-bench (pinned version,
   never in the project's venv or requirements.lock); when it cannot be installed or started the
   figure says "peer unavailable" with the reason.
   Target: stripesim >= 5x localstripe's requests/s with 1,000 customers + invoice items stored
   (JUDGED_STORED). Why that case and not a fresh store (decided on these reasons, printed both):
   - an emulator serves an account that has been used: the project's bulk scenario and
     bench_orgsim store 1,000 to 100,000 customers, an account after months holds thousands, and
     issue 17 asks that cost stay predictable as a client's data grows. A fresh store measures
     only the first seconds of an account;
   - the issue's ">= 5x" was set against localstripe at 43.5 req/s, which is localstripe after
     earlier runs on the same server, not fresh: localstripe pickles its whole store to disk on
     every write, so its cost per request grows with what it holds (one server reused for 5 runs
     x 200 iterations falls from 67 to 27 req/s by run 3; fresh per run it serves ~4x the
     issue's figure);
   - 1,000 is the smallest size of the issue's scaling table, and localstripe's runs stay short
     there (at 10,000 stored each of its writes pickles ~7 MB).
   With one sequential client the SDK's own ~2 ms of CPU per request caps the throughput ratio
   near 2x on a fresh store whatever the server does, so each case also prints each server's
   CPU per request, the figure that measures the server alone. Several concurrent clients do
   not make the run server-bound on this 2-core machine (measured with 4 client processes on a
   fresh store: 112 vs 71 req/s, the clients spending 2.5-2.9 ms of CPU per request against the
   servers' 1.0 and 3.4 ms), so no concurrent figure is printed.
2. The project's own sequence (create customer -> create invoice -> add invoice item -> finalize
   -> pay, 5 requests), stripesim only (localstripe invoices only come from subscriptions).
   Target: median under 5 ms per request.
3. List/search cost against store size: a store seeded with 1k and 10k customers and invoices
   (`--list-sizes`), the median CPU time of the emulator's request path (no HTTP) for `Invoice.list(limit=10)`, `Invoice.list(customer=...)`,
   `Event.list(type=...)`, `Invoice.search(customer:'...')` and `Customer.search(email:'...')`,
   as the ratio of the largest store to the smallest. Target: <= 1.2x.

Under CPU contention wall-clock latency mostly measures waiting for a core, so each run also
reports CPU time per request, server process and client (SDK + HTTP) separately.

    .venv/bin/python bench/bench_stripesim.py [--runs 5] [--iterations 200] [--stored 0,1000]
        [--stored-iterations 50] [--db] [--no-peer] [--list-sizes 1000,10000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import stripe  # noqa: E402

from bench.figures import figure  # noqa: E402
from sfpay.paths import PROJECT_ROOT  # noqa: E402
from sfpay.serving import free_port  # noqa: E402
from stripesim import DEFAULT_API_KEY, SimConfig, start_sim  # noqa: E402

STEPS = ("customer", "invoice", "item", "finalize", "pay")
SHARED_STEPS = (
    "create customer",
    "retrieve customer",
    "update customer",
    "create item",
    "retrieve item",
    "list items",
    "list invoices",
)
LOCALSTRIPE_VERSION = "1.15.10"
LOCALSTRIPE_KEY = "sk_test_bench"  # localstripe accepts any test key
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sfpay-bench"
BENCH = Path(__file__).resolve().parent
# The store size the >= 5x target is judged at (customers, each with one invoice item); why this
# case, see the module docstring.
JUDGED_STORED = 1000


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
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def localstripe_command(version: str) -> tuple[list[str] | None, str]:
    """The localstripe server command (bench/serve_seeded_localstripe.py run by the Python of
    localstripe's own venv under the bench cache), installing the pinned version there on first
    use; (None, reason) when that is not possible."""
    venv = CACHE / f"localstripe-venv-{version}"
    server = venv / "bin" / "localstripe"
    if not server.exists():
        print(f"installing localstripe {version} into {venv} (for the bench only) ...", flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
            subprocess.run(
                [
                    str(venv / "bin" / "pip"),
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    f"localstripe=={version}",
                ],
                check=True,
                capture_output=True,
                text=True,
                timeout=600,
            )
        except subprocess.CalledProcessError as error:
            tail = (error.stderr or error.stdout or "").strip().splitlines()[-1:] or [str(error)]
            return None, f"pip install localstripe=={version} failed: {tail[0]}"
        except (OSError, subprocess.TimeoutExpired) as error:
            return None, f"pip install localstripe=={version} failed: {error}"
    if not server.exists():
        return None, f"{server} is missing after the install"
    return [str(venv / "bin" / "python"), str(BENCH / "serve_seeded_localstripe.py")], ""


def wait_listening(port: int, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 120  # seeding a store comes first
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.05)


@contextlib.contextmanager
def served(
    command: list[str], cwd: Path | str, what: str, api_key: str, port: int
) -> Iterator[tuple[stripe.StripeClient, str, int]]:
    """Run a server process on `port` (its output discarded) and yield an SDK client for it,
    its base URL and its pid; the process is stopped afterwards."""
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, proc, what)
        base_url = f"http://127.0.0.1:{port}"
        client = stripe.StripeClient(api_key, base_addresses={"api": base_url}, max_network_retries=0)
        yield client, base_url, proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def seeded_stripesim(db_path: str | None, stored: int) -> Iterator[tuple[stripe.StripeClient, str, int]]:
    """A new stripesim process holding `stored` customers with an invoice item each."""
    port = free_port()
    command = [sys.executable, str(BENCH / "serve_seeded_stripesim.py"), "--port", str(port), "--stored", str(stored)]
    with served(
        command + (["--db", db_path] if db_path else []), PROJECT_ROOT, "stripesim", DEFAULT_API_KEY, port
    ) as up:
        yield up


@contextlib.contextmanager
def localstripe(command: list[str], stored: int) -> Iterator[tuple[stripe.StripeClient, str, int]]:
    """A new localstripe process (as --from-scratch, holding `stored` customers with an invoice
    item each; it pickles its store to /tmp on each write, as shipped), run from a temporary
    directory."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="sfpay-bench-localstripe-") as cwd:
        command = [*command, "--port", str(port), "--stored", str(stored)]
        with served(command, cwd, "localstripe", LOCALSTRIPE_KEY, port) as up:
            yield up


def shared_sequence(client: stripe.StripeClient, i: int, timed: Callable[[str, Callable[[], Any]], Any]) -> None:
    """The 7 calls both emulators serve."""
    customer = timed(
        "create customer",
        lambda: client.v1.customers.create(params={"email": f"donor{i}@example.org", "name": f"Donor {i}"}),
    )
    timed("retrieve customer", lambda: client.v1.customers.retrieve(customer.id))
    timed("update customer", lambda: client.v1.customers.update(customer.id, params={"metadata": {"donor": str(i)}}))
    item = timed(
        "create item",
        lambda: client.v1.invoice_items.create(params={"customer": customer.id, "amount": 5000, "currency": "usd"}),
    )
    timed("retrieve item", lambda: client.v1.invoice_items.retrieve(item.id))
    listed = timed("list items", lambda: client.v1.invoice_items.list(params={"customer": customer.id, "limit": 10}))
    assert [x.id for x in listed.data] == [item.id]
    timed("list invoices", lambda: client.v1.invoices.list(params={"customer": customer.id, "limit": 10}))


def project_sequence(client: stripe.StripeClient, i: int, timed: Callable[[str, Callable[[], Any]], Any]) -> None:
    """The project's own invoice sequence (what the connector's callouts do per Opportunity)."""
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


def measure(
    client: stripe.StripeClient,
    pid: int | None,
    iterations: int,
    sequence: Callable[[stripe.StripeClient, int, Callable[[str, Callable[[], Any]], Any]], None],
) -> dict[str, Any]:
    latencies: list[float] = []
    per_step: dict[str, list[float]] = {}

    def timed(step: str, call: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - started
        latencies.append(elapsed)
        per_step.setdefault(step, []).append(elapsed)
        return result

    for i in range(5):  # warm-up: connection, imports, caches
        sequence(client, -1 - i, lambda step, call: call())
    started = time.perf_counter()
    server_cpu_before, client_cpu_before = process_cpu_seconds(pid), time.process_time()
    for i in range(iterations):
        sequence(client, i, timed)
    wall = time.perf_counter() - started
    server_cpu = process_cpu_seconds(pid) - server_cpu_before
    client_cpu = time.process_time() - client_cpu_before
    latencies.sort()
    count = len(latencies)
    return {
        "server_cpu_ms": server_cpu / count * 1000,
        "client_cpu_ms": client_cpu / count * 1000,
        "rps": count / wall,
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[max(0, int(count * 0.99) - 1)] * 1000,
        "steps": {step: statistics.median(values) * 1000 for step, values in per_step.items()},
    }


def report_run(name: str, run: int, result: dict[str, Any]) -> None:
    print(
        f"{name} run {run + 1}: {result['rps']:.0f} req/s, median {result['median_ms']:.2f} ms, "
        f"p99 {result['p99_ms']:.2f} ms; CPU/request server {result['server_cpu_ms']:.2f} ms + client "
        f"{result['client_cpu_ms']:.2f} ms",
        flush=True,
    )


def medians(results: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("rps", "median_ms", "p99_ms", "server_cpu_ms", "client_cpu_ms")
    out: dict[str, Any] = {key: statistics.median(r[key] for r in results) for key in keys}
    out["steps"] = {step: statistics.median(r["steps"][step] for r in results) for step in results[0]["steps"]}
    return out


def summary(name: str, m: dict[str, Any]) -> None:
    print(
        f"{name}: {m['rps']:.0f} req/s, median {m['median_ms']:.2f} ms, p99 {m['p99_ms']:.2f} ms, CPU/request "
        f"server {m['server_cpu_ms']:.2f} ms + client {m['client_cpu_ms']:.2f} ms"
    )
    print("   median per step (ms): " + ", ".join(f"{s} {v:.2f}" for s, v in m["steps"].items()))


def stored_label(stored: int) -> str:
    return "fresh store" if stored == 0 else f"{stored:,} customers + invoice items stored"


def bench_shared(args: argparse.Namespace, storage: str, tmp: str) -> None:
    """stripesim vs localstripe on the shared sequence, A B A B, at each store size."""
    command, reason = (None, "--no-peer") if args.no_peer else localstripe_command(args.localstripe_version)
    sizes = sorted(int(x) for x in args.stored.split(","))
    for stored in sizes:
        iterations = args.iterations if stored == 0 else args.stored_iterations
        ours: list[dict[str, Any]] = []
        peer: list[dict[str, Any]] = []
        for run in range(args.runs):
            db_path = str(Path(tmp) / f"shared{stored}-{run}.db") if args.db else None
            with seeded_stripesim(db_path, stored) as (client, _, pid):
                ours.append(measure(client, pid, iterations, shared_sequence))
            report_run(f"stripesim, {stored_label(stored)},", run, ours[-1])
            if command is not None:
                try:
                    with localstripe(command, stored) as (client, _, pid):
                        peer.append(measure(client, pid, iterations, shared_sequence))
                    report_run(f"localstripe {args.localstripe_version}, {stored_label(stored)},", run, peer[-1])
                except (RuntimeError, stripe.StripeError, AssertionError) as error:
                    command, reason = None, f"localstripe failed: {error}"
        shared_figures(args, storage, stored, iterations, ours, peer if command is not None else [], reason)


def shared_figures(
    args: argparse.Namespace,
    storage: str,
    stored: int,
    iterations: int,
    ours: list[dict[str, Any]],
    peer: list[dict[str, Any]],
    reason: str,
) -> None:
    what = f"stripesim ({storage}) vs localstripe, shared 7-call SDK sequence, {stored_label(stored)}"
    judged = stored == JUDGED_STORED
    mine = medians(ours)
    summary(f"stripesim ({storage}), {stored_label(stored)}, {args.runs} runs x {iterations} x 7", mine)
    if not peer:
        print(f"peer unavailable: {reason}")
        figure("bench_stripesim.py", f"{what}: throughput (peer unavailable: {reason})", mine["rps"], "req/s")
        return
    theirs = medians(peer)
    name = f"localstripe {args.localstripe_version}"
    summary(f"{name}, {stored_label(stored)}", theirs)
    figure(
        "bench_stripesim.py",
        f"{what}: throughput",
        mine["rps"],
        "req/s",
        peer=theirs["rps"],
        peer_name=name,
        # The target is judged on one stated case (JUDGED_STORED, see the module docstring).
        target=">= 5x localstripe" if judged else None,
        met=mine["rps"] >= 5 * theirs["rps"] if judged else None,
    )
    # Server CPU per request: each emulator's own cost, which waiting for a core on a busy
    # machine does not inflate; throughput and latency also carry the SDK client's CPU (the same
    # for both), which bounds the throughput ratio.
    figure(
        "bench_stripesim.py",
        f"{what}: server CPU per request",
        mine["server_cpu_ms"],
        "ms",
        peer=theirs["server_cpu_ms"],
        peer_name=name,
    )
    figure("bench_stripesim.py", f"{what}: p99 latency", mine["p99_ms"], "ms", peer=theirs["p99_ms"], peer_name=name)


def bench_project(args: argparse.Namespace, storage: str, tmp: str) -> bool:
    results = []
    for run in range(args.runs):
        db_path = str(Path(tmp) / f"project{run}.db") if args.db else None
        with emulator(db_path, args.in_process) as (client, _, pid):
            results.append(measure(client, pid, args.iterations, project_sequence))
        report_run("stripesim project sequence", run, results[-1])
    m = medians(results)
    where = "in-process thread" if args.in_process else "own process"
    summary(f"stripesim ({storage}, {where}), project sequence, {args.runs} runs x {args.iterations} x {len(STEPS)}", m)
    figure("bench_stripesim.py", f"stripesim ({storage}) project sequence throughput", m["rps"], "req/s")
    figure(
        "bench_stripesim.py",
        f"stripesim ({storage}) project sequence latency (median)",
        m["median_ms"],
        "ms",
        target="< 5 ms",
        met=m["median_ms"] < 5,
    )
    figure("bench_stripesim.py", f"stripesim ({storage}) server CPU per request", m["server_cpu_ms"], "ms")
    return bool(m["median_ms"] < 5)


# the list and search calls whose cost must not grow with the store: (endpoint, raw parameters
# as the stripe SDK sends them for Invoice.list(limit=10) etc.; {customer}/{email} filled in)
LIST_CALLS: dict[str, tuple[str, dict[str, str]]] = {
    "Invoice.list(limit=10)": ("GET /v1/invoices", {"limit": "10"}),
    "Invoice.list(customer)": ("GET /v1/invoices", {"customer": "{customer}", "limit": "10"}),
    "Event.list(type)": ("GET /v1/events", {"type": "customer.created", "limit": "10"}),
    "Invoice.search(customer)": ("GET /v1/invoices/search", {"query": "customer:'{customer}'"}),
    "Customer.search(email)": ("GET /v1/customers/search", {"query": "email:'{email}'"}),
}


def seed(sim: Any, size: int) -> tuple[str, str]:
    """`size` customers with one draft invoice each, through the emulator's own request path
    (stripesim.http.pipeline.execute, no HTTP), oldest first; answers the first customer's id
    and email (deep in the store, so a filter that walked would read all of it)."""
    import json

    from stripesim.http.pipeline import execute
    from stripesim.resources.registry import ENDPOINTS

    by_name = {e.name: e for e in ENDPOINTS}
    account = sim.account_ids()[0]
    first: tuple[str, str] | None = None
    for i in range(size):
        email = f"seed{i}@example.org"
        _, body, _ = execute(
            sim, account, by_name["POST /v1/customers"], {"email": email}, {}, f"req_seed{i}", None, ""
        )
        customer = json.loads(body)["id"]
        execute(sim, account, by_name["POST /v1/invoices"], {"customer": customer}, {}, f"req_seedi{i}", None, "")
        first = first or (customer, email)
    assert first is not None
    return first


def bench_lists(args: argparse.Namespace, storage: str, tmp: str) -> None:
    """CPU time (this thread's, so other jobs on the machine barely move it) of the emulator's
    whole request path for each list/search call, HTTP aside (constant per request), at each
    store size; the figure is the ratio of the largest store to the smallest."""
    from stripesim.engine import Simulator
    from stripesim.http.pipeline import execute
    from stripesim.resources.registry import ENDPOINTS

    by_name = {e.name: e for e in ENDPOINTS}
    sizes = sorted(int(x) for x in args.list_sizes.split(","))
    sims: dict[int, tuple[Any, str, str, str]] = {}
    samples: dict[tuple[int, str], list[float]] = {}
    try:
        for size in sizes:
            db_path = str(Path(tmp) / f"lists{size}.db") if args.db else None
            sim = Simulator(SimConfig(db_path=db_path))
            seeded = time.perf_counter()
            customer, email = seed(sim, size)
            print(f"seeded {size:,} customers + invoices in {time.perf_counter() - seeded:.1f} s", flush=True)
            sims[size] = (sim, sim.account_ids()[0], customer, email)
        # Sizes alternate call by call (A B A B), so a busier moment of the machine falls on both.
        for name, (endpoint, template) in LIST_CALLS.items():
            for n in range(args.list_calls + 5):
                for size, (sim, account, customer, email) in sims.items():
                    raw = {k: v.format(customer=customer, email=email) for k, v in template.items()}
                    started = time.thread_time()
                    execute(sim, account, by_name[endpoint], raw, {}, f"req_list{n}", None, "")
                    if n >= 5:  # the first few warm caches
                        samples.setdefault((size, name), []).append(time.thread_time() - started)
    finally:
        for sim, *_ in sims.values():
            sim.close()
    costs = {size: {name: statistics.median(samples[(size, name)]) * 1000 for name in LIST_CALLS} for size in sizes}
    for size in sizes:
        print(f"store {size:,}: " + ", ".join(f"{n} {v:.3f} ms" for n, v in costs[size].items()), flush=True)
    small, large = sizes[0], sizes[-1]
    for name in LIST_CALLS:
        ratio = costs[large][name] / costs[small][name]
        figure(
            "bench_stripesim.py",
            f"stripesim ({storage}) {name}, CPU at {large:,} vs {small:,} stored (ratio)",
            ratio,
            "x",
            target="<= 1.2x",
            met=ratio <= 1.2,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--db", action="store_true", help="use SQLite storage instead of memory")
    parser.add_argument("--in-process", action="store_true", help="project sequence: serve from a thread")
    parser.add_argument("--no-peer", action="store_true", help="do not install or run localstripe")
    parser.add_argument(
        "--stored",
        default=f"0,{JUDGED_STORED}",
        help="shared sequence: store sizes (customers + invoice items stored before timing)",
    )
    parser.add_argument(
        "--stored-iterations",
        type=int,
        default=50,
        help="shared sequence: iterations per run on a seeded store (localstripe slows as it grows)",
    )
    parser.add_argument("--localstripe-version", default=LOCALSTRIPE_VERSION)
    parser.add_argument("--list-sizes", default="1000,10000", help="store sizes for the list/search figure")
    parser.add_argument("--list-calls", type=int, default=100, help="timed calls per list/search figure")
    parser.add_argument("--only", choices=("shared", "project", "lists"), action="append", default=[])
    args = parser.parse_args()
    storage = "sqlite" if args.db else "memory"
    parts = args.only or ["shared", "project", "lists"]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        if "shared" in parts:
            bench_shared(args, storage, tmp)
        if "project" in parts:
            ok = bench_project(args, storage, tmp)
        if "lists" in parts:
            bench_lists(args, storage, tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
