"""Serve localstripe (the bench's peer) with `--stored N` customers, each with one pending
invoice item, already in its store. Run by the Python of localstripe's own bench venv (see
bench_stripesim.localstripe_command), never the project's: it imports only localstripe.

    <venv>/bin/python bench/serve_seeded_localstripe.py --port 8420 --stored 1000

The objects are created by `Customer._api_create` and `InvoiceItem._api_create`, the calls
localstripe's own POST handlers make (localstripe/server.py, `api_create`), so the store holds
what N SDK calls would have left (each also stores its `customer.created` /
`invoiceitem.created` event). localstripe pickles its whole store to /tmp/localstripe.pickle on
every write (resources.py, `Store.__setitem__`, and the server's `save_store_middleware`);
that is switched off while seeding only, which saves minutes of set-up and changes nothing the
timed requests do: their first write pickles the whole seeded store, as shipped. The server
then starts as `localstripe --from-scratch --port P` would (no stale store from /tmp is loaded).
"""

from __future__ import annotations

import argparse
import sys


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--stored", type=int, default=0)
    args = parser.parse_args()
    from localstripe import resources, server

    save = resources.Store.dump_to_disk
    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    try:
        for i in range(args.stored):
            customer = resources.Customer._api_create(email=f"stored{i}@example.org", name=f"Stored {i}")
            resources.InvoiceItem._api_create(customer=customer.id, amount="5000", currency="usd")
    finally:
        resources.Store.dump_to_disk = save  # type: ignore[method-assign]
    sys.argv = ["localstripe", "--from-scratch", "--port", str(args.port)]
    server.start()


if __name__ == "__main__":
    main()
