"""Issue 17: a SOQL filter on a field Salesforce indexes for every object searches, it does not
read every record the org has stored. The harness asks "sync logs / Stripe events since T"
(`WHERE CreatedDate >= T`) after every scenario step, and `sfpay reconcile` does the same for
events: on a long-lived org those tables only grow.

Salesforce keeps indexes on CreatedDate and Systemmodstamp (LastModifiedDate) of most objects
(https://developer.salesforce.com/docs/platform/salesforce-large-data-volumes-bp/guide/ldv-deployments-infrastructure-indexes.html),
so the org answers such a filter from an index: every statement it runs for the query is planned
as an index search of the object, never a scan of it, and the records come back exactly as a
scan would return them (same records, same order).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.orgsim.sql_trace import query_plan, traced

STORED = 1000  # records made before the window the query asks for


def _insert(org, sobject: str, rows: list[dict]) -> list[str]:
    """In saves of 200 records (the most one save takes)."""
    return [r.id for start in range(0, len(rows), 200) for r in org.insert(sobject, rows[start : start + 200])]


def _scans_of(org, table: str, statements: list[str]) -> list[tuple[str, list[str]]]:
    found = []
    for sql in statements:
        if not re.match(r"\s*SELECT\b", sql) or f'FROM "{table}"' not in sql:
            continue
        plan = query_plan(org, sql)
        if any(re.match(r"SCAN t0\b", step) for step in plan):
            found.append((sql, plan))
    return found


def _next_whole_second(org):
    """Move the org clock to the next whole second (a SOQL datetime literal has no fraction)."""
    now = org.clock.now()
    org.clock.advance_to(now.replace(microsecond=0) + dt.timedelta(seconds=1))
    return org.clock.now()


def _soql_datetime(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("field", "op", "offset", "expected"),
    [
        ("CreatedDate", ">=", 0, "new"),
        ("CreatedDate", ">", -1, "new"),
        ("CreatedDate", "=", 0, "new"),
        ("CreatedDate", "<=", -1, "old"),
        ("CreatedDate", "<", 0, "old"),
        ("SystemModstamp", ">", 0, "touched"),
        ("LastModifiedDate", ">=", 60, "touched"),
    ],
)
def test_audit_date_filter_searches_by_index(org_server, field, op, offset, expected):
    _, _, org, sf = org_server
    old = _insert(org, "Account", [{"Name": f"Old donor {i}"} for i in range(STORED)])
    org.clock.advance(days=1)
    since = _next_whole_second(org)  # the org's clock is frozen: the new records are made at `since`
    new = [r.id for r in org.insert("Account", [{"Name": f"New donor {i}"} for i in range(5)])]
    org.clock.advance(minutes=5)
    org.update("Account", [{"Id": new[1], "Description": "touched"}])  # rowid order kept on update
    bound = _soql_datetime(since + dt.timedelta(seconds=offset))

    soql = f"SELECT Id, Name FROM Account WHERE {field} {op} {bound}"
    result, statements = traced(org, lambda: sf.query(soql))

    assert [r["Id"] for r in result["records"]] == {"new": new, "old": old, "touched": [new[1]]}[expected]
    assert _scans_of(org, "Account", statements) == []


def test_audit_date_range_with_other_filters_keeps_results_and_order(org_server):
    """An index changes the cost only: ORDER BY, LIMIT and an unindexed filter beside it give
    the records a scan gives."""
    _, _, org, sf = org_server
    _insert(org, "Account", [{"Name": f"Old donor {i}", "Industry": "Education"} for i in range(300)])
    org.clock.advance(hours=2)
    since = _next_whole_second(org)
    rows = [{"Name": f"Donor {chr(ord('k') - i)}", "Industry": ("Education", "Arts")[i % 2]} for i in range(10)]
    made = [r.id for r in org.insert("Account", rows)]
    base = f"FROM Account WHERE CreatedDate >= {_soql_datetime(since)}"

    by_name = sf.query(f"SELECT Name {base} AND Industry = 'Arts' ORDER BY Name LIMIT 3")["records"]
    assert [r["Name"] for r in by_name] == ["Donor b", "Donor d", "Donor f"]
    assert sf.query(f"SELECT COUNT() {base}")["totalSize"] == 10
    assert [
        r["Id"] for r in sf.query(f"SELECT Id {base} AND CreatedDate <= {_soql_datetime(since)}")["records"]
    ] == made
    assert org.count("Account") == 310  # the older records are there, just not returned
