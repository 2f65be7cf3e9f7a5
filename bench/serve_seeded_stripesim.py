"""Serve stripesim for bench_stripesim.py with `--stored N` customers, each with one pending
invoice item, already in its store (created through the emulator's own request path,
`stripesim.http.pipeline.execute`, as the stripe SDK's calls would create them, minus HTTP).

    python bench/serve_seeded_stripesim.py --port 12111 --stored 1000 [--db FILE]

Seeding in the server's own process keeps both emulators' set-up short and alike (localstripe
is seeded the same way, see serve_seeded_localstripe.py); the server then runs with the options
of `python -m stripesim` (stripesim/cli.py): h11, access log off, warnings only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvicorn  # noqa: E402

from sfpay.serving import server_options  # noqa: E402
from stripesim.config import SimConfig  # noqa: E402
from stripesim.http.app import create_app  # noqa: E402
from stripesim.http.pipeline import execute  # noqa: E402
from stripesim.resources.registry import ENDPOINTS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--stored", type=int, default=0)
    parser.add_argument("--db", default=None, help="SQLite file (default: memory)")
    args = parser.parse_args()
    app = create_app(SimConfig(db_path=args.db))
    sim = app.state.sim
    account = sim.account_ids()[0]
    by_name = {e.name: e for e in ENDPOINTS}
    for i in range(args.stored):
        raw = {"email": f"stored{i}@example.org", "name": f"Stored {i}"}
        _, body, _ = execute(sim, account, by_name["POST /v1/customers"], raw, {}, f"req_seedc{i}", None, "")
        item = {"customer": json.loads(body)["id"], "amount": "5000", "currency": "usd"}
        execute(sim, account, by_name["POST /v1/invoiceitems"], item, {}, f"req_seedi{i}", None, "")
    base_url = f"http://127.0.0.1:{args.port}"
    sim.public_url = base_url
    uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=args.port, **server_options())).run()


if __name__ == "__main__":
    main()
