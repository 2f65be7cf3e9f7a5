"""SQLite storage: one table per sObject, one column per field, plus the org's own tables.

A file database uses WAL mode (readers do not block the writer, a crash loses no committed
transaction). Transactions are explicit: the DML engine opens one per Salesforce transaction
and uses savepoints for partial-save retries.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from orgsim.errors import OrgError
from orgsim.schema.model import INDEXED_AUDIT_DATES, NUMBER_TYPES, TEXT_TYPES, FieldDef, Schema, SObjectDef
from orgsim.storage import ids
from orgsim.storage.predicate import And, Compare, Not, Or, Predicate
from orgsim.storage.values import from_sql, to_sql
from sfpay.private_files import create_private_file

ORG_TABLES = """
CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS _deployed (name TEXT PRIMARY KEY, content BLOB, seq INTEGER);
CREATE TABLE IF NOT EXISTS _work (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,            -- async | scheduled
    due_at TEXT NOT NULL,
    flow TEXT NOT NULL,
    path TEXT NOT NULL,
    sobject TEXT NOT NULL,
    record_id TEXT NOT NULL,
    prior TEXT,                    -- JSON of $Record__Prior, if any
    trigger_kind TEXT NOT NULL,    -- create | update
    interview_guid TEXT NOT NULL,
    origin TEXT NOT NULL           -- transaction that queued it
);
CREATE INDEX IF NOT EXISTS _work_due ON _work (due_at, seq);
-- Scheduler.on_update / drop_for_record look queued work up by record; run_due takes a batch by
-- path and due time (scheduled) or by the transaction that queued it (async). The record index
-- leads with record_id and covers more equality columns than _work_scheduled, so SQLite picks it
-- for on_update's (record, kind, flow, path) lookups instead of walking all of a path's queue.
CREATE INDEX IF NOT EXISTS _work_record_path ON _work (record_id, kind, flow, path);
CREATE INDEX IF NOT EXISTS _work_scheduled ON _work (kind, flow, path, due_at, seq);
CREATE INDEX IF NOT EXISTS _work_async ON _work (kind, origin, flow, path, due_at);
CREATE TABLE IF NOT EXISTS _outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT, alert TEXT, template TEXT, record_id TEXT,
    sender TEXT, recipients TEXT, cc TEXT, subject TEXT, body TEXT, smtp_status TEXT
);
-- send_pending_smtp reads the messages not yet handed to SMTP after each commit.
CREATE INDEX IF NOT EXISTS _outbox_pending ON _outbox (seq) WHERE smtp_status = 'pending';
-- outbox(record_id): one record's mails without reading every mail a long-lived org has sent.
CREATE INDEX IF NOT EXISTS _outbox_record ON _outbox (record_id, seq);
CREATE TABLE IF NOT EXISTS _failed_interviews (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, failed_at TEXT, flow TEXT, path TEXT, element TEXT,
    record_id TEXT, interview_guid TEXT, kind TEXT, message TEXT
);
CREATE TABLE IF NOT EXISTS _transactions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT, started_at TEXT, outcome TEXT,
    soql INTEGER, query_rows INTEGER, dml INTEGER, dml_rows INTEGER, callouts INTEGER, emails INTEGER, interviews INTEGER,
    callout_ms INTEGER, cpu_ms INTEGER
);
"""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _own_index(sobject: SObjectDef, fdef: FieldDef) -> str | None:
    """The index a column gets when it is made (ensure_table): unique and external IDs (looked
    up case-insensitively) and references. None for any other field."""
    name = _q("ix_" + sobject.name + "_" + fdef.name)
    if fdef.unique or fdef.external_id:
        return f"CREATE INDEX IF NOT EXISTS {name} ON {_q(sobject.name)} ({_q(fdef.name)} COLLATE NOCASE)"
    if fdef.type == "reference":
        return f"CREATE INDEX IF NOT EXISTS {name} ON {_q(sobject.name)} ({_q(fdef.name)})"
    return None


class Store:
    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        if self.path != ":memory:":
            # The org's records and sessions: 0600 in a 0700 folder before SQLite creates
            # the file (its -wal/-shm files take the database's mode).
            create_private_file(Path(self.path))
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        # One org, one writer: the server runs requests one at a time through this lock.
        self.lock = threading.RLock()
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(ORG_TABLES)
        recorded = {row[1] for row in self.conn.execute("PRAGMA table_info(_transactions)")}
        for column in ("callout_ms", "cpu_ms"):  # a database file from before these were recorded
            if column not in recorded:
                self.conn.execute(f"ALTER TABLE _transactions ADD COLUMN {column} INTEGER")
        self._columns: dict[str, set[str]] = {}
        self._column_lists: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, ...], str]] = {}
        self._id_tag: str | None = None
        # Columns an equality filter has used, indexed on first use (see _ensure_indexes); those
        # created inside the open transaction are forgotten again if it rolls back.
        self._indexed: set[tuple[str, str]] = set()
        self._indexed_in_tx: set[tuple[str, str]] = set()

    # -- transactions -------------------------------------------------------------------
    def begin(self) -> None:
        self.conn.execute("BEGIN")

    def commit(self) -> None:
        self.conn.execute("COMMIT")
        self._indexed_in_tx.clear()

    def rollback(self) -> None:
        self.conn.execute("ROLLBACK")
        self._forget_tx_indexes()

    def _forget_tx_indexes(self) -> None:
        self._indexed -= self._indexed_in_tx
        self._indexed_in_tx.clear()

    def savepoint(self, name: str) -> None:
        self.conn.execute(f"SAVEPOINT {name}")

    def rollback_to(self, name: str) -> None:
        self.conn.execute(f"ROLLBACK TO {name}")
        self._forget_tx_indexes()  # conservative: one made before the savepoint is made again

    def release(self, name: str) -> None:
        self.conn.execute(f"RELEASE {name}")

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    # -- meta -----------------------------------------------------------------------------
    def meta_get(self, key: str, default=None):
        row = self.conn.execute("SELECT value FROM _meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def meta_set(self, key: str, value) -> None:
        self.conn.execute(
            "INSERT INTO _meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    def next_sequence(self) -> int:
        seq = int(self.meta_get("id_sequence", 0)) + 1
        self.meta_set("id_sequence", seq)
        return seq

    def new_id(self, sobject: SObjectDef) -> str:
        if self._id_tag is None:
            self._id_tag = self.meta_get("id_tag")
            if self._id_tag is None:
                self._id_tag = ids.new_org_tag()
                self.meta_set("id_tag", self._id_tag)
        return ids.make_id(sobject.key_prefix, self.next_sequence(), self._id_tag)

    # -- tables ---------------------------------------------------------------------------
    def ensure_table(self, sobject: SObjectDef) -> None:
        existing = self._columns.get(sobject.name)
        if existing is None:
            self.conn.execute(f'CREATE TABLE IF NOT EXISTS {_q(sobject.name)} ("Id" TEXT PRIMARY KEY)')
            existing = {row[1] for row in self.conn.execute(f"PRAGMA table_info({_q(sobject.name)})")}
            self._columns[sobject.name] = existing
        for fdef in sobject.fields.values():
            if fdef.name not in existing:
                self.conn.execute(f"ALTER TABLE {_q(sobject.name)} ADD COLUMN {_q(fdef.name)}")
                existing.add(fdef.name)
                own = _own_index(sobject, fdef)
                if own is not None:
                    self.conn.execute(own)

    # -- rows -----------------------------------------------------------------------------
    def insert_row(self, sobject: SObjectDef, values: dict) -> None:
        names = list(values)
        sql = (
            f"INSERT INTO {_q(sobject.name)} ({', '.join(_q(n) for n in names)}) "
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        self.conn.execute(sql, [to_sql(sobject.fields[n], values[n]) for n in names])

    def update_row(self, sobject: SObjectDef, record_id: str, changes: dict) -> None:
        if not changes:
            return
        names = list(changes)
        sql = f'UPDATE {_q(sobject.name)} SET {", ".join(_q(n) + " = ?" for n in names)} WHERE "Id" = ?'
        self.conn.execute(sql, [to_sql(sobject.fields[n], changes[n]) for n in names] + [record_id])

    def delete_row(self, sobject: SObjectDef, record_id: str) -> None:
        self.conn.execute(f'DELETE FROM {_q(sobject.name)} WHERE "Id" = ?', (record_id,))

    def _all_columns(self, sobject: SObjectDef) -> tuple[tuple[str, ...], str]:
        """The object's fields and their quoted column list, built once per set of fields (a
        deployment that adds a field gives a new set)."""
        cols = tuple(sobject.fields)
        key = (sobject.name, cols)
        found = self._column_lists.get(key)
        if found is None:
            found = self._column_lists[key] = (cols, ", ".join(_q(c) for c in cols))
        return found

    def get_row(self, sobject: SObjectDef, record_id: str) -> dict | None:
        cols, column_list = self._all_columns(sobject)
        row = self.conn.execute(f'SELECT {column_list} FROM {_q(sobject.name)} WHERE "Id" = ?', (record_id,)).fetchone()
        if row is None:
            return None
        return {c: from_sql(sobject.fields[c], v) for c, v in zip(cols, row)}

    def get_rows(self, sobject: SObjectDef, record_ids: list[str]) -> dict[str, dict]:
        out: dict[str, dict] = {}
        cols, column_list = self._all_columns(sobject)
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start : start + 500]
            sql = f'SELECT {column_list} FROM {_q(sobject.name)} WHERE "Id" IN ({", ".join("?" for _ in chunk)})'
            for row in self.conn.execute(sql, chunk):
                record = {c: from_sql(sobject.fields[c], v) for c, v in zip(cols, row)}
                out[record["Id"]] = record
        return out

    # -- queries --------------------------------------------------------------------------
    def select(
        self,
        schema: Schema,
        sobject: SObjectDef,
        fields: list[str],
        predicate: Predicate = None,
        order_by: list[tuple] | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[dict]:
        compiler = _SelectCompiler(schema, sobject)
        columns = [compiler.column(path) for path in fields]
        where = compiler.where(predicate) if predicate is not None else ("", [])
        sql = f"SELECT {', '.join(c.sql for c in columns)} FROM {_q(sobject.name)} AS t0 {compiler.JOINS_MARK}"
        params = list(where[1])
        if where[0]:
            sql += f" WHERE {where[0]}"
        if order_by:
            parts = []
            for item in order_by:
                path, direction = item[0], (item[1] if len(item) > 1 and item[1] else "ASC").upper()
                nulls = (item[2] if len(item) > 2 and item[2] else ("FIRST" if direction == "ASC" else "LAST")).upper()
                col = compiler.column(path)
                collate = " COLLATE NOCASE" if col.field.type in TEXT_TYPES else ""
                parts.append(f"{col.sql}{collate} {direction} NULLS {nulls}")
            sql += " ORDER BY " + ", ".join(parts)
        elif compiler.searches_a_range:
            # Record order, sorted after the search: written as an expression (+rowid), the
            # order no longer favours reading the whole table in rowid order. Without this,
            # SQLite (no statistics: it takes a range to keep a quarter of the rows) scans the
            # table rather than sort what an indexed range finds.
            sql += " ORDER BY +t0.rowid"
        else:
            sql += " ORDER BY t0.rowid"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else int(limit), int(offset or 0)]
        self._ensure_indexes(sobject, compiler.indexed_columns)
        rows = self.conn.execute(sql.replace(compiler.JOINS_MARK, compiler.joins_sql()), params).fetchall()
        return [{path: from_sql(col.field, v) for path, col, v in zip(fields, columns, row)} for row in rows]

    def count(self, schema: Schema, sobject: SObjectDef, predicate: Predicate = None) -> int:
        compiler = _SelectCompiler(schema, sobject)
        where = compiler.where(predicate) if predicate is not None else ("", [])
        sql = f"SELECT COUNT(*) FROM {_q(sobject.name)} AS t0 {compiler.joins_sql()}"
        if where[0]:
            sql += f" WHERE {where[0]}"
        self._ensure_indexes(sobject, compiler.indexed_columns)
        return self.conn.execute(sql, where[1]).fetchone()[0]

    def _ensure_indexes(self, sobject: SObjectDef, fields: list) -> None:
        """Index a column the first time a query filters on it by value (a flow's Get Records
        by a Stripe id, event intake by Name) or by a range of an indexed audit date (the
        harness's and reconcile's "created since"): every lookup then costs O(log n + matches)
        whatever the object's size. Rows come back in the same order (select orders by rowid
        without an ORDER BY), so an index changes only the cost. Made on first use, not with the
        table: an index on LastModifiedDate/SystemModstamp costs a write on every update."""
        for fdef in fields:
            key = (sobject.name, fdef.name)
            if key in self._indexed:
                continue
            # A column with its own index (ensure_table) gets that one, made here only if the
            # column predates it: never a second B-tree every save of the field writes.
            sql = _own_index(sobject, fdef)
            if sql is None:
                collate = " COLLATE NOCASE" if fdef.type in TEXT_TYPES and fdef.type not in ("id", "reference") else ""
                name = _q("ix_" + sobject.name + "_" + fdef.name + "_eq")
                sql = f"CREATE INDEX IF NOT EXISTS {name} ON {_q(sobject.name)} ({_q(fdef.name)}{collate})"
            self.conn.execute(sql)
            self._indexed.add(key)
            if self.conn.in_transaction:
                self._indexed_in_tx.add(key)


_PLAIN_COLUMNS: dict = {}
# Field types a lookup by value is worth an index for: identifiers and names, which are selective.
# Not booleans or picklists (few values: SQLite, without statistics, could prefer such an index
# over a selective one in the same filter); references and unique/external ids have theirs.
_LOOKUP_TYPES = {"string", "email", "phone", "url", "combobox"}
# Comparisons an index on an audit date answers (INDEXED_AUDIT_DATES: Salesforce indexes them).
_RANGE_OPS = {"=", "IN", "<", "<=", ">", ">="}


class _Column:
    def __init__(self, sql: str, field):
        self.sql = sql
        self.field = field


class _SelectCompiler:
    JOINS_MARK = "/*joins*/"

    def __init__(self, schema: Schema, sobject: SObjectDef):
        self.schema = schema
        self.base = sobject
        self.joins: dict[tuple, str] = {}
        self.join_sql: list[str] = []
        # Fields of the base object a filter can search by: compared by value (= or IN) and of a
        # lookup type, or an indexed audit date compared by value or range.
        self.indexed_columns: list = []
        self.searches_a_range = False  # a required range on an indexed audit date (see select)

    def joins_sql(self) -> str:
        return " ".join(self.join_sql)

    def column(self, path: str) -> _Column:
        if "." not in path:
            # Plain fields are the common case: resolve once per object and name.
            key = (self.base.name, path)
            hit = _PLAIN_COLUMNS.get(key)
            if hit is None or hit[1] is not self.base.fields.get(hit[1].name):
                fdef = self.base.field(path)
                hit = (f"t0.{_q(fdef.name)}", fdef)
                _PLAIN_COLUMNS[key] = hit
            return _Column(hit[0], hit[1])
        parts = path.split(".")
        sobject, alias, chain = self.base, "t0", ()
        for rel in parts[:-1]:
            ref = sobject.relationship(rel)
            target = self.schema.get(ref.reference_to)
            chain = chain + (ref.name,)
            if chain not in self.joins:
                new_alias = f"t{len(self.joins) + 1}"
                self.joins[chain] = new_alias
                self.join_sql.append(
                    f'LEFT JOIN {_q(target.name)} AS {new_alias} ON {new_alias}."Id" = {alias}.{_q(ref.name)}'
                )
            alias, sobject = self.joins[chain], target
        fdef = sobject.field(parts[-1])
        return _Column(f"{alias}.{_q(fdef.name)}", fdef)

    def where(self, predicate, required: bool = True) -> tuple[str, list]:
        """`required`: every row the filter keeps meets this part (it is the filter or one of
        its ANDed terms), so an index on it can find the rows."""
        if isinstance(predicate, Compare):
            return self._compare(predicate, required)
        if isinstance(predicate, (And, Or)):
            parts, params = [], []
            for item in predicate.items:
                sql, p = self.where(item, required and isinstance(predicate, And))
                parts.append(f"({sql})")
                params += p
            joiner = " AND " if isinstance(predicate, And) else " OR "
            return _balanced(parts, joiner) or "1", params
        if isinstance(predicate, Not):
            # SOQL is two-valued: a comparison with null is false, so NOT of it is true.
            # SQL would give NULL (unknown) for both; COALESCE turns unknown into false first.
            sql, params = self.where(predicate.item, required=False)
            return f"NOT COALESCE(({sql}), 0)", params
        raise OrgError(f"unsupported filter {predicate!r}")

    def _compare(self, cmp: Compare, required: bool = True) -> tuple[str, list]:
        col = self.column(cmp.path)
        fdef = col.field
        audit_date = "." not in cmp.path and fdef.name in INDEXED_AUDIT_DATES and fdef.type in ("datetime", "date")
        if "." not in cmp.path and (
            (cmp.op in ("=", "IN") and fdef.type in _LOOKUP_TYPES) or (audit_date and cmp.op in _RANGE_OPS)
        ):
            self.indexed_columns.append(fdef)
        if audit_date and required and cmp.op in ("<", "<=", ">", ">=") and cmp.value is not None:
            self.searches_a_range = True
        text = fdef.type in TEXT_TYPES and fdef.type not in ("id", "reference")
        collate = " COLLATE NOCASE" if text else ""
        value = cmp.value
        if fdef.type in ("id", "reference"):
            value = _normalize_ids(value)
        if cmp.op in ("IN", "NOT IN"):
            values = list(value)
            non_null = [v for v in values if v is not None]
            marks = ", ".join("?" for _ in non_null) or "NULL"
            params = [to_sql(fdef, v) for v in non_null]
            sql = f"{col.sql}{collate} IN ({marks})"
            if None in values:
                sql = f"({sql} OR {col.sql} IS NULL)"
            if cmp.op == "NOT IN":
                sql = f"NOT ({sql})" if None in values else f"({col.sql} IS NULL OR NOT ({sql}))"
            return sql, params
        if value is None:
            if cmp.op == "=":
                return f"{col.sql} IS NULL", []
            if cmp.op == "!=":
                return f"{col.sql} IS NOT NULL", []
            return "0", []
        param = to_sql(fdef, value)
        if cmp.op == "LIKE":
            return f"{col.sql} LIKE ? ESCAPE '\\'", [param]
        if cmp.op == "!=":
            return f"({col.sql} IS NULL OR {col.sql}{collate} != ?)", [param]
        if fdef.type in NUMBER_TYPES and cmp.op != "=":
            return f"{col.sql} {cmp.op} ?", [param]
        return f"{col.sql}{collate} {cmp.op} ?", [param]


def _normalize_ids(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_normalize_ids(v) for v in value]
    if isinstance(value, str):
        return ids.normalize_id(value) or value
    return value


def _balanced(parts: list[str], joiner: str) -> str:
    """`a OR b OR c ...` nests one level per term in SQLite's parser, which stops at a depth of
    1000 (SQLITE_MAX_EXPR_DEPTH, https://www.sqlite.org/limits.html); grouping the terms
    pairwise keeps the depth logarithmic, so a filter of thousands of terms still runs."""
    while len(parts) > 2:
        parts = [f"({joiner.join(parts[i : i + 2])})" for i in range(0, len(parts), 2)]
    return joiner.join(parts)
