"""The worker's sweeps read only due documents: a time index kept by every commit and rebuilt
from a --db file on restart (issue 17: no sweep cost growing with the stored invoices)."""

from stripesim.storage import Transaction, open_storage


def _watch(tx: Transaction, n: int, at: int, clock: str | None = None) -> None:
    tx.put(
        "due_watch", f"in_{n}:overdue", {"id": f"in_{n}:overdue", "invoice": f"in_{n}", "at": at, "test_clock": clock}
    )


def test_due_reads_only_what_is_due_and_follows_updates(tmp_path):
    storage = open_storage(tmp_path / "sim.sqlite3", ["acct_1"])
    tx = Transaction(storage, "acct_1")
    for n in range(1000):
        _watch(tx, n, 10_000 + n)
    _watch(tx, 5000, 50)
    _watch(tx, 5001, 40, clock="clock_1")
    tx.commit()
    tx = Transaction(storage, "acct_1")
    assert [d["id"] for d in tx.due("due_watch", None, 100)] == ["in_5000:overdue"]
    assert [d["id"] for d in tx.due("due_watch", "clock_1", 100)] == ["in_5001:overdue"]
    _watch(tx, 7, 60)  # moved earlier
    tx.delete("due_watch", "in_5000:overdue")
    tx.commit()
    assert [d["id"] for d in Transaction(storage, "acct_1").due("due_watch", None, 100)] == ["in_7:overdue"]
    storage.close()
    reopened = open_storage(tmp_path / "sim.sqlite3", ["acct_1"])
    assert [d["id"] for d in Transaction(reopened, "acct_1").due("due_watch", None, 10_001)] == [
        "in_7:overdue",
        "in_0:overdue",
        "in_1:overdue",
    ]
    reopened.close()
