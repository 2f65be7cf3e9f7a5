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


def test_a_commit_indexes_from_what_was_put_without_decoding_the_writes(tmp_path, monkeypatch):
    """A saved idempotent response holds the whole answer; the index takes its time when it is
    put (issue 17 profile: every commit decoded it again). The index still matches a rebuild
    from the stored documents."""
    import stripesim.storage.due_index as due_index

    storage = open_storage(tmp_path / "sim.sqlite3", ["acct_1"])

    def no_decoding(raw):
        raise AssertionError("a committed write was decoded to index it")

    monkeypatch.setattr(due_index.json, "loads", no_decoding)
    tx = Transaction(storage, "acct_1")
    body = '{"id":"in_1","object":"invoice"}' * 100
    for n in range(3):
        tx.put("idempotency", f"key-{n}", {"id": f"key-{n}", "created": 100 + n, "body": body})
    _watch(tx, 1, 70, clock="clock_1")
    _watch(tx, 2, 80)
    tx.put("idempotency", "key-1", {"id": "key-1", "created": 50, "body": body})  # put again: the last one counts
    tx.commit()
    monkeypatch.undo()
    tx = Transaction(storage, "acct_1")
    assert [d["id"] for d in tx.due("idempotency", None, 101)] == ["key-1", "key-0"]
    assert [d["id"] for d in tx.due("due_watch", "clock_1", 100)] == ["in_1:overdue"]
    storage.close()
    reopened = open_storage(tmp_path / "sim.sqlite3", ["acct_1"])
    again = Transaction(reopened, "acct_1")
    assert [d["id"] for d in again.due("idempotency", None, 101)] == ["key-1", "key-0"]
    assert [d["id"] for d in again.due("due_watch", None, 100)] == ["in_2:overdue"]
    reopened.close()
