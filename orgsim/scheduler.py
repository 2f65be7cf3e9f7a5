"""Asynchronous and scheduled paths: queued in the triggering transaction, run later, each
batch in its own transaction.

Queueing: a path is queued for a record when the flow's entry conditions fire for it (in the
triggering transaction, so a rollback removes it). `AsyncAfterCommit` paths are due at once,
after the commit; scheduled paths at their time source +/- the offset (a time already past runs
as soon as possible).

Dropping: when an update makes a record stop meeting the flow's entry conditions,
its pending scheduled paths for that flow are removed. Salesforce Help, "Scheduled Paths" /
"Considerations for Scheduled Paths"
(https://help.salesforce.com/s/articleView?id=platform.flow_concepts_trigger_scheduled_path.htm):
pending scheduled actions stay queued only while the record still meets the trigger
conditions; the same rule is documented for Process Builder scheduled actions
(process_limits_scheduled.htm: "If a record no longer matches the criteria, Salesforce removes
the scheduled actions for that record from the queue"), and was confirmed for flow scheduled
paths in salesforce.stackexchange.com (pending entries dropped when the entry conditions are no
longer met). When the time-source field of a RecordField path changes, the pending path is
rescheduled to the new time.

Batching, scheduled paths: the interviews of one path due at the same time run in transactions
of at most the path's Batch Size (`maxBatchSize`, 1..200, default 200: Flow Builder's scheduled
path Advanced Options, Metadata API FlowScheduledPath), each batch its own transaction with its
own governor limits. Batching, AsyncAfterCommit paths: no batch size is documented (the loader
refuses `maxBatchSize` there); orgsim runs the interviews of one save together, up to
`Org.open(async_batch_size=N)` (default 200, the size of a trigger batch -- Apex Developer Guide,
"Triggers and Bulk Requests" -- and the size that puts the most interviews, and so the most
callouts, into one transaction).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json

from orgsim.dml.engine import TriggerDepthExceeded
from orgsim.flows.interpreter import Execution, new_guid
from orgsim.flows.interview import Interview
from orgsim.limits import LimitExceeded
from orgsim.storage.values import format_datetime, from_sql, parse_datetime, to_sql
from orgsim.transaction import Transaction

SCHEDULED_BATCH_DEFAULT = 200  # scheduled path Batch Size default (see the module docstring)

MAX_BATCHES_PER_RUN = 100_000


class Scheduler:
    def __init__(self, org, batch_size: int = 200):
        if not 1 <= batch_size <= 2000:
            raise ValueError("async batch size must be between 1 and 2000")
        self.org = org
        self.batch_size = batch_size

    # -- queueing (inside the triggering transaction) ---------------------------------------------
    def enqueue_paths(self, tx, flow, record: dict, prior: dict | None, trigger_kind: str) -> None:
        now = self.org.clock.now()
        for path in flow.start.scheduled_paths:
            due = self._due(path, record, now)
            if due is None:
                continue
            self.org.store.conn.execute(
                "INSERT INTO _work(kind, due_at, flow, path, sobject, record_id, prior, trigger_kind, interview_guid, origin) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    "async" if path.path_type == "AsyncAfterCommit" else "scheduled",
                    format_datetime(due),
                    flow.name,
                    path.name,
                    flow.start.object,
                    record["Id"],
                    self._dump(flow.start.object, prior),
                    trigger_kind,
                    new_guid(),
                    str(tx.id),
                ),
            )

    def on_update(self, tx, flow, record: dict, prior: dict, meets: bool) -> None:
        scheduled = [p for p in flow.start.scheduled_paths if p.path_type == "Scheduled"]
        if not scheduled:
            return
        conn = self.org.store.conn
        if not meets:
            conn.execute(
                "DELETE FROM _work WHERE kind = 'scheduled' AND flow = ? AND record_id = ?", (flow.name, record["Id"])
            )
            return
        now = self.org.clock.now()
        for path in scheduled:
            if path.time_source == "RecordField" and record.get(path.record_field) != prior.get(path.record_field):
                due = self._due(path, record, now)
                if due is None:
                    conn.execute(
                        "DELETE FROM _work WHERE kind = 'scheduled' AND flow = ? AND path = ? AND record_id = ?",
                        (flow.name, path.name, record["Id"]),
                    )
                else:
                    conn.execute(
                        "UPDATE _work SET due_at = ? WHERE kind = 'scheduled' AND flow = ? AND path = ? AND record_id = ?",
                        (format_datetime(due), flow.name, path.name, record["Id"]),
                    )

    def drop_for_record(self, record_id: str) -> None:
        self.org.store.conn.execute("DELETE FROM _work WHERE record_id = ?", (record_id,))

    def _due(self, path, record: dict, now: dt.datetime) -> dt.datetime | None:
        if path.path_type == "AsyncAfterCommit":
            return now
        if path.time_source == "RecordField":
            base = record.get(path.record_field)
            if base is None:
                return None  # no time source value: the path does not run
            if not isinstance(base, dt.datetime):
                base = dt.datetime(base.year, base.month, base.day, tzinfo=dt.timezone.utc)
        else:
            base = now
        n, unit = path.offset_number, path.offset_unit
        if unit == "Months":
            index = base.year * 12 + base.month - 1 + n
            year, month = divmod(index, 12)
            day = min(base.day, calendar.monthrange(year, month + 1)[1])
            due = base.replace(year=year, month=month + 1, day=day)
        else:
            due = base + dt.timedelta(**{unit.lower(): n})
        return max(due, now)

    def _dump(self, sobject_name: str, prior: dict | None) -> str | None:
        if prior is None:
            return None
        sobject = self.org.schema.get(sobject_name)
        return json.dumps({k: to_sql(sobject.fields[k], v) for k, v in prior.items() if k in sobject.fields})

    def _load(self, sobject_name: str, text: str | None) -> dict | None:
        if text is None:
            return None
        sobject = self.org.schema.get(sobject_name)
        return {k: from_sql(sobject.fields[k], v) for k, v in json.loads(text).items() if k in sobject.fields}

    # -- running ------------------------------------------------------------------------------------
    def pending(self) -> list[dict]:
        rows = self.org.store.conn.execute(
            "SELECT seq, kind, due_at, flow, path, record_id FROM _work ORDER BY due_at, seq"
        ).fetchall()
        return [dict(zip(("seq", "kind", "due_at", "flow", "path", "record_id"), r)) for r in rows]

    def run_due(self, until: dt.datetime, max_batches: int | None = None) -> int:
        """Run every queued path due at or before `until`, in due order; returns interviews run.
        `max_batches`: stop after that many batches (the server runs a backlog one batch per
        turn so requests are not held behind it; `has_due` says whether more is due)."""
        ran = 0
        limit = format_datetime(until)
        conn = self.org.store.conn
        for _ in range(max_batches or MAX_BATCHES_PER_RUN):
            head = conn.execute(
                "SELECT seq, kind, due_at, flow, path, origin FROM _work WHERE due_at <= ? "
                "ORDER BY due_at, seq LIMIT 1",
                (limit,),
            ).fetchone()
            if head is None:
                return ran
            seq, kind, due_at, flow_name, path_name, origin = head
            self.org.clock.set_now(parse_datetime(due_at))
            flow = self.org.metadata.flows.get(flow_name)
            path = next((p for p in flow.start.scheduled_paths if p.name == path_name), None) if flow else None
            size = self._batch_size(kind, path)
            if kind == "async":
                rows = conn.execute(
                    "SELECT seq, record_id, prior, trigger_kind, interview_guid, sobject FROM _work "
                    "WHERE kind = 'async' AND flow = ? AND path = ? AND origin = ? AND due_at <= ? "
                    "ORDER BY seq LIMIT ?",
                    (flow_name, path_name, origin, limit, size),
                ).fetchall()
            else:
                rows = conn.execute(
                    "SELECT seq, record_id, prior, trigger_kind, interview_guid, sobject FROM _work "
                    "WHERE kind = 'scheduled' AND flow = ? AND path = ? AND due_at = ? "
                    "ORDER BY seq LIMIT ?",
                    (flow_name, path_name, due_at, size),
                ).fetchall()
            if flow is None or path is None or not flow.active:
                self._fail_rows(
                    rows,
                    flow_name,
                    path_name,
                    kind,
                    "(start)",
                    "The flow version that queued this path is no longer active",
                )
                continue
            ran += self._run_batch(kind, flow, path, rows)
        if max_batches:
            return ran
        raise RuntimeError("queued work keeps re-queuing itself (more than 100000 batches in one run)")

    def has_due(self, until: dt.datetime) -> bool:
        row = self.org.store.conn.execute(
            "SELECT 1 FROM _work WHERE due_at <= ? LIMIT 1", (format_datetime(until),)
        ).fetchone()
        return row is not None

    def next_due(self) -> dt.datetime | None:
        """When the earliest queued path falls due (None: nothing queued); read-only."""
        row = self.org.store.conn.execute("SELECT MIN(due_at) FROM _work").fetchone()
        return parse_datetime(row[0]) if row and row[0] else None

    def _batch_size(self, kind: str, path) -> int:
        if kind == "scheduled":
            return path.max_batch_size if path and path.max_batch_size else SCHEDULED_BATCH_DEFAULT
        return self.batch_size

    def _run_batch(self, kind: str, flow, path, rows: list) -> int:
        org, store = self.org, self.org.store
        attempt = list(rows)
        for _round in range(3):
            if not attempt:
                return 0
            tx = Transaction(label=f"{kind} path {flow.name}.{path.name}", context="async")
            store.begin()
            try:
                store.conn.executemany("DELETE FROM _work WHERE seq = ?", [(r[0],) for r in attempt])
                sobject = org.schema.get(flow.start.object)
                current = store.get_rows(sobject, [r[1] for r in attempt])
                interviews = []
                for pos, (seq, record_id, prior, trigger_kind, guid, _obj) in enumerate(attempt):
                    record = current.get(record_id)
                    if record is None:
                        continue  # the record was deleted: nothing to run
                    interviews.append(
                        Interview(
                            org,
                            flow,
                            record,
                            self._load(flow.start.object, prior),
                            guid=guid,
                            start_element=path.connector,
                            record_key=pos,
                        )
                    )
                Execution(org, tx).run(flow, interviews)
            except (LimitExceeded, TriggerDepthExceeded) as exc:
                store.rollback()
                org.record_transaction(tx, "rolled back: " + str(exc))
                self._fail_rows(attempt, flow.name, path.name, kind, "(transaction)", str(exc))
                return 0
            except BaseException:
                store.rollback()
                raise
            failed = [iv for iv in interviews if iv.status == "failed"]
            if not failed:
                org.record_transaction(tx, "committed")
                store.commit()
                org.after_commit()
                return len(interviews)
            store.rollback()
            org.record_transaction(tx, f"rolled back: {len(failed)} interview(s) failed; retrying the others")
            failed_keys = {iv.record_key for iv in failed}
            store.begin()
            for iv in failed:
                row = attempt[iv.record_key]
                store.conn.execute("DELETE FROM _work WHERE seq = ?", (row[0],))
                org.record_failed_interview(flow.name, path.name, iv.failed_element, row[1], iv.guid, kind, iv.error)
            store.commit()
            attempt = [row for pos, row in enumerate(attempt) if pos not in failed_keys]
        return 0

    def _fail_rows(self, rows, flow_name, path_name, kind, element, message) -> None:
        store = self.org.store
        store.begin()
        for row in rows:
            store.conn.execute("DELETE FROM _work WHERE seq = ?", (row[0],))
            self.org.record_failed_interview(flow_name, path_name, element, row[1], row[4], kind, message)
        store.commit()
