"""One reconcile run: both sides into the sort store, the merge, confirmations, fixes.

Memory: a page of each API at a time while reading, one row of each side while merging, and
the findings that are differences (a clean org has none; each is a few hundred bytes). The
in-sync count is a counter. Network calls beyond the two listings are made only for rows
that differ: an org-only row is confirmed with a direct retrieve before it is reported
missing (it may lie outside --since), a Stripe-only row with a point query on the org.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from operate.reconcile import classify, sources
from operate.reconcile.facts import Facts
from operate.reconcile.findings import Finding, Kind
from operate.reconcile.store import SortStore

IDEMPOTENCY_KEY = re.compile(r"^sfpay-(?P<opp>006[A-Za-z0-9]{12,15})-r\d+")


class Progress:
    """Callbacks for a progress display; the default shows nothing."""

    def phase(self, name: str, total: int | None = None) -> None: ...

    def advance(self, count: int = 1) -> None: ...

    def note(self, message: str) -> None: ...


@dataclass
class Result:
    counts: Counter = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)  # differences and informational rows, not in-sync ones
    org_rows: int = 0
    stripe_rows: int = 0
    applied: int = 0

    @property
    def differences(self) -> int:
        return sum(n for kind, n in self.counts.items() if Kind(kind).is_difference)

    def add(self, finding: Finding) -> None:
        self.counts[finding.kind.value] += 1
        if finding.kind is not Kind.IN_SYNC:
            self.findings.append(finding)


def _count(sf: Any, soql_where: str) -> int | None:
    try:
        return int(sf.query(f"SELECT COUNT() FROM Opportunity WHERE {soql_where}")["totalSize"])
    except Exception:  # noqa: BLE001 - only for the progress bar's total
        return None


def _row(facts: Facts, record: dict[str, Any]) -> dict[str, Any]:
    from operate.reconcile.store import ORG_COLUMNS

    return dict(zip(ORG_COLUMNS, sources.org_row(facts, record)))


def attribute(
    sf: Any, client: Any, facts: Facts, inv: dict[str, Any], pattern: re.Pattern[str] | None
) -> tuple[str | None, str]:
    """Which Opportunity a Stripe invoice was issued for: the idempotency key of its creation
    request (the flows key every POST `sfpay-<OpportunityId>-r<revision>-...`, and Stripe's
    events carry `request.idempotency_key`: https://docs.stripe.com/api/events/object), else the
    memo written from the spec's `invoice_description`."""
    for event in sources.events_for(client, inv["invoice_id"], ["invoice.created"], inv["created"], before=2, after=5):
        key = ((event.get("request") or {}).get("idempotency_key")) or ""
        match = IDEMPOTENCY_KEY.match(key)
        if match:
            return match.group("opp"), "its creation request's idempotency key"
    match = pattern.match(inv["description"] or "") if pattern else None
    if match and match.groupdict().get("opportunity_id"):
        return match.group("opportunity_id"), "its memo"
    if match and match.groupdict().get("opportunity_name"):
        named = sources.opportunities_named(sf, match.group("opportunity_name"))
        if len(named) == 1:
            return named[0]["Id"], f"its memo names {named[0]['Name']!r}"
        return (
            None,
            f"its memo names {match.group('opportunity_name')!r}, which {len(named) or 'no'} Opportunities have",
        )
    return None, "no sfpay idempotency key or memo"


def _current(sf: Any, facts: Facts, store: SortStore, opp_id: str | None) -> dict[str, Any] | None:
    if not opp_id:
        return None
    row = store.org_by_opportunity(opp_id)
    if row is not None:
        return row
    rows = sf.query(
        f"SELECT {', '.join(sources.org_fields(facts))} FROM Opportunity "
        f"WHERE Id = {sources.soql_quote(opp_id)} LIMIT 1"
    )["records"]
    if not rows:
        return None
    record = rows[0]
    return _row(facts, {**record, facts.invoice_id_field: record.get(facts.invoice_id_field) or ""})


def reconcile(
    sf: Any,
    client: Any,
    facts: Facts,
    *,
    since: dt.date | None = None,
    apply: bool = False,
    invoice_ids: list[str] | None = None,
    progress: Progress | None = None,
    on_finding: Callable[[Finding], None] | None = None,
) -> Result:
    progress = progress or Progress()
    result = Result()
    with SortStore() as store:
        where = sources.org_query(facts, since, invoice_ids).split(" WHERE ", 1)[1]
        progress.phase("Opportunities with an invoice (SOQL)", _count(sf, where))
        result.org_rows = store.add_org(_counting(sources.opportunities(sf, facts, since, invoice_ids), progress))
        store.add_previous(sources.previous_invoices(sf, facts))
        progress.phase("Stripe invoices" + (f" created since {since}" if since else ""), None)

        def waits(seconds: float) -> None:
            progress.note(f"Stripe rate limit: retrying in {seconds:.1f} s")

        result.stripe_rows = store.add_stripe(
            _counting((sources.stripe_row(i) for i in sources.invoices(client, since, waits, invoice_ids)), progress)
        )
        store.index()
        progress.phase("comparing", result.org_rows + result.stripe_rows)
        pattern = facts.description_pattern()
        for org_row, inv in classify.merge(store.sorted("org"), store.sorted("stripe")):
            progress.advance((org_row is not None) + (inv is not None))
            for finding in _classify_pair(sf, client, facts, store, pattern, org_row, inv):
                result.add(finding)
        for invoice_id, count in store.duplicate_org_ids():
            result.add(
                Finding(
                    Kind.DUPLICATE_OPEN,
                    invoice_id=invoice_id,
                    detail=f"{count} Opportunities hold this invoice id",
                    action="keep it on the one it was issued for; clear it on the others",
                )
            )
    if apply:
        fixable = [f for f in result.findings if f.fixable]
        progress.phase("applying fixes through the event path", len(fixable))
        from operate.reconcile.apply import fix

        for finding in fixable:
            finding.applied = fix(sf, client, facts, finding)
            result.applied += finding.applied.startswith("replayed")
            progress.advance()
    for finding in result.findings:
        if on_finding:
            on_finding(finding)
    return result


def _counting(rows, progress: Progress):
    for row in rows:
        progress.advance()
        yield row


def _classify_pair(
    sf: Any,
    client: Any,
    facts: Facts,
    store: SortStore,
    pattern: re.Pattern[str] | None,
    org_row: dict[str, Any] | None,
    inv: dict[str, Any] | None,
) -> list[Finding]:
    if org_row is not None and inv is not None:
        return classify.compare(facts, org_row, inv)
    if org_row is not None:
        # Not in the listing: outside --since, or really missing. Ask Stripe for it directly.
        invoice = sources.retrieve_invoice(client, org_row["invoice_id"])
        if invoice is None:
            return [classify.missing(facts, org_row)]
        row = dict(
            zip(
                ("invoice_id", "status", "total", "currency", "created", "customer", "description", "transition_at"),
                sources.stripe_row(invoice),
            )
        )
        return classify.compare(facts, org_row, row)
    assert inv is not None
    replaced_on = store.replaced_by(inv["invoice_id"])
    if replaced_on:
        return [classify.replaced(facts, inv, replaced_on, _current(sf, facts, store, replaced_on))]
    if inv["status"] not in ("draft", "void"):
        # Outside the org window (--since)? One point query before calling it an orphan.
        record = sources.opportunity_by_invoice(sf, facts, inv["invoice_id"])
        if record is not None:
            return classify.compare(facts, _row(facts, record), inv)
        opp_id, how = attribute(sf, client, facts, inv, pattern)
        return [classify.orphan(facts, inv, opp_id, how, _current(sf, facts, store, opp_id))]
    return [classify.orphan(facts, inv, None, "", None)]
