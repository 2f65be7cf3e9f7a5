"""One backfill run: read the candidates (SOQL, paged with queryMore), queue and trigger them
batch by batch through sObject Collections, and optionally wait for each batch's invoices."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from operate.backfill.plan import ATTENTION, MARKER, PENDING, QUEUE, TRIGGER, BackfillFacts, action
from operate.reconcile.run import Progress

COLLECTION_LIMIT = 200  # records per sObject Collections call
POLL_SECONDS = 5.0


@dataclass
class Row:
    id: str
    name: str
    amount: Any
    action: str
    outcome: str = ""  # dry run: would queue; queued; invoiced in_...; stopped: <error>; failed: <save error>
    invoice_id: str | None = None


@dataclass
class BackfillResult:
    rows: list[Row] = field(default_factory=list)
    stopped_early: str | None = None  # why no further batch was queued

    def count(self, outcome_prefix: str) -> int:
        return sum(r.outcome.startswith(outcome_prefix) for r in self.rows)

    @property
    def remaining(self) -> int:
        """Opportunities still without an invoice after this run."""
        return sum(not r.outcome.startswith("invoiced") for r in self.rows)


def _candidates(sf: Any, facts: BackfillFacts, where: str | None) -> Iterator[dict]:
    for record in sf.query_all_iter(facts.soql(where)):
        yield record


def _save(sf: Any, records: list[dict], rows: dict[str, Row]) -> list[str]:
    """sObject Collections update (allOrNone false); the ids that saved. A record that did not
    save gets its error in its row."""
    saved = []
    for start in range(0, len(records), COLLECTION_LIMIT):
        chunk = records[start : start + COLLECTION_LIMIT]
        body = {"allOrNone": False, "records": [{"attributes": {"type": "Opportunity"}, **r} for r in chunk]}
        results = sf.restful("composite/sobjects", method="PATCH", json=body)
        for record, result in zip(chunk, results, strict=True):
            if result.get("success"):
                saved.append(record["Id"])
            else:
                errors = "; ".join(f"{e.get('statusCode')}: {e.get('message')}" for e in result.get("errors", []))
                rows[record["Id"]].outcome = f"failed: {errors}"
    return saved


def _settle(
    sf: Any, facts: BackfillFacts, rows: dict[str, Row], ids: list[str], wait: float, progress: Progress
) -> bool:
    """Poll the batch until each Opportunity has an invoice id or a flow stop; False on timeout."""
    deadline = time.monotonic() + wait
    open_ids = set(ids)
    while open_ids:
        quoted = ", ".join(f"'{i}'" for i in sorted(open_ids))
        soql = (
            f"SELECT Id, {facts.invoice_id_field}, {facts.error_field}, {facts.retry_field} "
            f"FROM Opportunity WHERE Id IN ({quoted})"
        )
        for record in sf.query_all(soql)["records"]:
            row = rows[record["Id"]]
            error = record.get(facts.error_field)
            if record.get(facts.invoice_id_field):
                row.invoice_id = record[facts.invoice_id_field]
                row.outcome = f"invoiced {row.invoice_id}"
            elif error and not error.startswith(MARKER) and not record.get(facts.retry_field):
                row.outcome = f"stopped: {error}"
            else:
                continue
            open_ids.discard(record["Id"])
            progress.advance()
        if open_ids and time.monotonic() >= deadline:
            return False
        if open_ids:
            time.sleep(POLL_SECONDS)
    return True


def backfill(
    sf: Any,
    facts: BackfillFacts,
    *,
    where: str | None,
    dry_run: bool,
    batch_size: int,
    limit: int | None,
    wait: float,
    progress: Progress,
) -> BackfillResult:
    result = BackfillResult()
    progress.phase("reading eligible Opportunities without an invoice")
    for record in _candidates(sf, facts, where):
        row = Row(record["Id"], record.get("Name") or "", record.get("Amount"), action(facts, record))
        if row.action == PENDING:
            row.outcome = "pending: the invoicing flow is under way (Retry Invoicing is checked)"
        elif row.action == ATTENTION:
            row.outcome = f"needs attention: {record.get(facts.error_field)}"
        result.rows.append(row)
        progress.advance()
    work = [r for r in result.rows if r.action in (QUEUE, TRIGGER)]
    if limit is not None:
        for row in work[limit:]:
            row.outcome = "not queued: beyond --limit"
        work = work[:limit]
    if dry_run:
        for row in work:
            row.outcome = "would queue" if row.action == QUEUE else "would trigger (queued by an interrupted run)"
        return result
    by_id = {r.id: r for r in result.rows}
    progress.phase("queuing batches" + (" and waiting for their invoices" if wait else ""), total=len(work))
    for start in range(0, len(work), batch_size):
        batch = work[start : start + batch_size]
        queue = [{"Id": r.id, facts.error_field: MARKER, facts.retry_field: False} for r in batch if r.action == QUEUE]
        queued = set(_save(sf, queue, by_id)) if queue else set()
        ready = [r.id for r in batch if r.action == TRIGGER or r.id in queued]
        triggered = _save(sf, [{"Id": i, facts.retry_field: True} for i in ready], by_id)
        for i in triggered:
            by_id[i].outcome = "queued: the invoicing flow started"
        if not wait:
            progress.advance(len(batch))
            continue
        progress.advance(len(batch) - len(triggered))
        if not _settle(sf, facts, by_id, triggered, wait, progress):
            result.stopped_early = (
                f"batch {start // batch_size + 1} was not invoiced within {wait:g} s; no further batch was queued "
                "(run again later: queued Opportunities are never started twice)"
            )
            for row in work[start + batch_size :]:
                row.outcome = "not queued: an earlier batch is still being invoiced"
            break
    return result
