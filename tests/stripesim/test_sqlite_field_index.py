"""A --db store keeps its field index in the database (storage/sqlite_field_index.py, issue 17):
a restart answers lists and search as before without decoding a stored document, updates and
deletes move documents between index values across restarts, a store written before the index
lived there is indexed once when opened, and a write that fails leaves no posting."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from stripesim import start_sim
from stripesim.storage import Transaction, open_storage
from stripesim.storage.field_index import FIELDS, entry_of
from tests.stripesim.conftest import fast_config

ACCOUNT = "acct_1"


def _ids(page) -> list[str]:
    return [obj.id for obj in page.data]


@contextmanager
def _server(db: Path, statements: list[str] | None = None) -> Iterator[Any]:
    """A stripe client of the emulator over `db`; with `statements`, every SQL statement its connections run
    from opening on (sqlite3's own trace, expanded with the bound values)."""
    with _running(db, statements) as running:
        yield running.stripe_client()


@contextmanager
def _running(db: Path, statements: list[str] | None = None) -> Iterator[Any]:
    if statements is None:
        with start_sim(fast_config(db_path=str(db))) as running:
            yield running
        return
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite3, "connect", traced)
        with start_sim(fast_config(db_path=str(db))) as running:
            yield running


def _scans_of_indexed_documents(statements: list[str]) -> list[str]:
    """Statements reading the bodies of an indexed kind's documents other than by id (a rebuild)."""
    found = []
    for sql in statements:
        kind = re.search(r"kind='([^']*)'", sql)
        if "body" in sql and kind and kind.group(1) in FIELDS and " id=" not in sql:
            found.append(sql)
    return found


def _marked(statements: list[str]) -> bool:
    """Whether the store was (re)indexed while these statements ran."""
    return any(sql.startswith("INSERT OR REPLACE INTO store_format") for sql in statements)


def _assert_postings_are_the_documents(db: Path) -> None:
    """The stored postings are exactly what one pass over the stored documents gives (callers
    re-check every candidate, so a stale posting would not show in an answer, only in cost)."""
    with sqlite3.connect(db) as conn:
        stored = set(conn.execute("SELECT account, kind, field, value, seq, id FROM postings"))
        expected = set()
        for account, kind, id, seq, body in conn.execute("SELECT account, kind, id, seq, body FROM documents"):
            for field, value in (entry_of(kind, json.loads(body)) or {}).items():
                expected.add((account, kind, field, value, seq, id))
    conn.close()
    assert stored == expected and expected


def _seed(client) -> dict[str, str]:
    a = client.v1.customers.create(params={"email": "A.One@example.org", "name": "Alpha", "metadata": {"donor": "d-1"}})
    b = client.v1.customers.create(params={"email": "b@example.org", "name": "Alpha", "metadata": {"donor": "d-2"}})
    gone = client.v1.customers.create(params={"email": "gone@example.org", "metadata": {"donor": "d-1"}})
    for customer in (a, b, a, a):
        invoice = client.v1.invoices.create(params={"customer": customer.id, "auto_advance": False})
        client.v1.invoice_items.create(
            params={"customer": customer.id, "invoice": invoice.id, "amount": 700, "currency": "usd"}
        )
    client.v1.invoices.finalize_invoice(invoice.id)
    client.v1.customers.update(b.id, params={"email": "moved@example.org"})
    client.v1.customers.delete(gone.id)
    return {"a": a.id, "b": b.id, "gone": gone.id}


def _answers(client, who: dict[str, str]) -> dict[str, Any]:
    a, b = who["a"], who["b"]
    newest = client.v1.invoices.list(params={"customer": a, "limit": 2})
    return {
        "a's invoices": _ids(newest),
        "a's next page": _ids(
            client.v1.invoices.list(params={"customer": a, "limit": 2, "starting_after": newest.data[-1].id})
        ),
        "a's page before": _ids(
            client.v1.invoices.list(params={"customer": a, "limit": 1, "ending_before": newest.data[-1].id})
        ),
        "open": _ids(client.v1.invoices.list(params={"status": "open"})),
        "draft": _ids(client.v1.invoices.list(params={"status": "draft"})),
        "b's items": _ids(client.v1.invoice_items.list(params={"customer": b})),
        "email, any case": _ids(client.v1.customers.search(params={"query": "email:'a.one@example.org'"})),
        "old email": _ids(client.v1.customers.search(params={"query": "email:'b@example.org'"})),
        "new email": _ids(client.v1.customers.search(params={"query": "email:'moved@example.org'"})),
        "name": _ids(client.v1.customers.search(params={"query": "name:'alpha'"})),
        "donor": _ids(client.v1.customers.search(params={"query": "metadata['donor']:'d-1'"})),
        "or": _ids(
            client.v1.customers.search(params={"query": "metadata['donor']:'d-2' OR email:'a.one@example.org'"})
        ),
        "invoice search": _ids(client.v1.invoices.search(params={"query": f"customer:'{b}'"})),
        "events": [
            e.type
            for e in client.v1.events.list(
                params={"types": ["customer.deleted", "customer.updated", "invoice.finalized"], "limit": 100}
            ).data
        ],
    }


def test_a_restart_answers_lists_and_search_without_decoding_a_stored_document(tmp_path):
    db = tmp_path / "stripe.db"
    with _server(db) as client:
        who = _seed(client)
        before = _answers(client, who)
    assert before["a's invoices"] and before["donor"] == [who["a"]] and before["old email"] == []
    assert before["or"] == [who["b"], who["a"]] and before["events"][0] == "customer.deleted"
    statements: list[str] = []
    with _server(db, statements) as client:
        at_open = list(statements)
        assert _answers(client, who) == before
    assert at_open and _scans_of_indexed_documents(at_open) == [] and not _marked(at_open)
    _assert_postings_are_the_documents(db)


def test_updates_and_deletes_move_documents_between_index_values_across_restarts(tmp_path):
    db = tmp_path / "stripe.db"
    with _server(db) as client:
        customer = client.v1.customers.create(params={"email": "first@example.org", "metadata": {"tier": "gold"}})
        other = client.v1.customers.create(params={"email": "other@example.org", "metadata": {"tier": "gold"}})
        invoice = client.v1.invoices.create(params={"customer": customer.id, "auto_advance": False})
        client.v1.invoice_items.create(
            params={"customer": customer.id, "invoice": invoice.id, "amount": 100, "currency": "usd"}
        )
    with _server(db) as client:
        client.v1.customers.update(customer.id, params={"email": "second@example.org", "metadata": {"tier": "silver"}})
        client.v1.invoices.finalize_invoice(invoice.id)
        client.v1.customers.delete(other.id)
    with _server(db) as client:
        search = client.v1.customers.search
        assert _ids(search(params={"query": "email:'first@example.org'"})) == []
        assert _ids(search(params={"query": "email:'second@example.org'"})) == [customer.id]
        assert _ids(search(params={"query": "metadata['tier']:'gold'"})) == []
        assert _ids(search(params={"query": "metadata['tier']:'silver'"})) == [customer.id]
        assert _ids(client.v1.invoices.list(params={"status": "draft"})) == []
        assert _ids(client.v1.invoices.list(params={"status": "open", "customer": customer.id})) == [invoice.id]
        assert _ids(client.v1.customers.list(params={"email": "other@example.org"})) == []
    _assert_postings_are_the_documents(db)
    with _running(db) as running:
        running.admin.reset()  # deletes every document of the account
        assert _ids(running.stripe_client().v1.customers.search(params={"query": "metadata['tier']:'silver'"})) == []
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM postings").fetchone() == (0,)
    conn.close()


def _as_older_sfpay_wrote_it(db: Path, how: str) -> None:
    with sqlite3.connect(db) as conn:
        if how == "no postings table":  # what sfpay wrote before the index lived in the database
            conn.executescript(
                "DROP TRIGGER unindexed_insert; DROP TRIGGER unindexed_update; DROP TRIGGER unindexed_delete;"
                " DROP TABLE postings; DROP TABLE store_format; ALTER TABLE documents DROP COLUMN postings_gen;"
            )
            columns = [row[1] for row in conn.execute("PRAGMA table_info(documents)")]
            assert columns == ["account", "kind", "id", "seq", "body"]
            kinds = {(row[0], row[1]) for row in conn.execute("SELECT type, name FROM sqlite_master")}
            assert kinds == {
                ("table", "documents"),
                ("index", "documents_by_kind"),
                ("index", "sqlite_autoindex_documents_1"),
            }
        else:  # indexed under another marker (other fields): its postings are not to be trusted
            conn.execute("UPDATE store_format SET value='{\"version\":0}'")
            conn.execute("DELETE FROM postings WHERE kind IN ('customer', 'invoice')")
    conn.close()


@pytest.mark.parametrize("how", ["no postings table", "older marker"])
def test_a_store_written_by_an_older_sfpay_is_indexed_once_when_opened(tmp_path, how):
    db = tmp_path / "stripe.db"
    with _server(db) as client:
        who = _seed(client)
        before = _answers(client, who)
    _as_older_sfpay_wrote_it(db, how)
    statements: list[str] = []
    with _server(db, statements) as client:
        assert _scans_of_indexed_documents(statements) != [] and _marked(statements)  # the one pass
        assert _answers(client, who) == before
        later = client.v1.invoices.create(params={"customer": who["a"], "auto_advance": False})
        after = _answers(client, who)
    assert after["a's invoices"][0] == later.id and after["draft"] == [later.id, *before["draft"]]
    statements.clear()
    with _server(db, statements) as client:
        assert _scans_of_indexed_documents(statements) == [] and not _marked(statements)  # not again
        assert _answers(client, who) == after
    _assert_postings_are_the_documents(db)


def test_a_failed_write_leaves_no_document_and_no_posting(tmp_path):
    db = tmp_path / "stripe.db"
    storage = open_storage(db, [ACCOUNT])
    # The second write of the transaction fails inside SQLite (as a full disk would).
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON documents WHEN NEW.id = 'cus_bad'"
            " BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    conn.close()
    tx = Transaction(storage, ACCOUNT)
    tx.put("customer", "cus_ok", {"id": "cus_ok", "email": "ok@example.org"})
    tx.put("customer", "cus_bad", {"id": "cus_bad", "email": "ok@example.org"})
    with pytest.raises(sqlite3.DatabaseError, match="refused"):
        tx.commit()
    assert list(storage.fields.ids(ACCOUNT, "customer", [("email", "ok@example.org")], None, True)) == []
    assert storage.get(ACCOUNT, "customer", "cus_ok") is None
    tx = Transaction(storage, ACCOUNT)
    tx.put("customer", "cus_ok", {"id": "cus_ok", "email": "ok@example.org"})
    tx.commit()
    seq = storage.seq_of(ACCOUNT, "customer", "cus_ok")
    assert list(storage.fields.ids(ACCOUNT, "customer", [("email", "OK@example.org")], None, True)) == [(seq, "cus_ok")]
    storage.close()


@pytest.mark.parametrize("write", ["update", "insert", "delete"])
def test_a_store_an_older_sfpay_wrote_to_after_it_was_indexed_is_indexed_again(tmp_path, write):
    db = tmp_path / "stripe.db"
    with _server(db) as client:
        kept = client.v1.customers.create(params={"email": "kept@example.org"})
        customer = client.v1.customers.create(params={"email": "before@example.org"})
    with sqlite3.connect(db) as conn:  # the statements an older sfpay's SqliteStorage.apply runs: no postings
        account, seq, body = conn.execute(
            "SELECT account, seq, body FROM documents WHERE kind='customer' AND id=?", (customer.id,)
        ).fetchone()
        key = (account, customer.id)
        if write == "update":
            moved = json.dumps({**json.loads(body), "email": "after@example.org"})
            conn.execute("UPDATE documents SET body=? WHERE account=? AND kind='customer' AND id=?", (moved, *key))
        elif write == "insert":
            (last,) = conn.execute("SELECT MAX(seq) FROM documents").fetchone()
            added = json.dumps({**json.loads(body), "id": "cus_added", "email": "added@example.org"})
            conn.execute(
                "INSERT INTO documents (account, kind, id, seq, body) VALUES (?, 'customer', 'cus_added', ?, ?)",
                (account, last + 1, added),
            )
        else:  # the newest document: its position is given again to the next one stored
            conn.execute("DELETE FROM documents WHERE kind != 'customer' AND seq > ?", (seq,))
            conn.execute("DELETE FROM documents WHERE account=? AND kind='customer' AND id=?", key)
    conn.close()
    statements: list[str] = []
    with _server(db, statements) as client:
        assert _scans_of_indexed_documents(statements) != [] and _marked(statements)
        search, listed = client.v1.customers.search, client.v1.customers.list
        assert _ids(search(params={"query": "email:'kept@example.org'"})) == [kept.id]
        if write == "update":
            assert _ids(search(params={"query": "email:'after@example.org'"})) == [customer.id]
            assert _ids(listed(params={"email": "before@example.org"})) == []
        elif write == "insert":
            assert _ids(listed(params={"email": "added@example.org"})) == ["cus_added"]
        else:
            again = client.v1.customers.create(params={"email": "before@example.org"})
            assert _ids(listed(params={"email": "before@example.org"})) == [again.id]
    _assert_postings_are_the_documents(db)
