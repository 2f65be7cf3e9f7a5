"""Property test: the SQL the query primitive generates agrees with SOQL semantics written
directly in Python (nulls, case-insensitive text, != matching null, IN / NOT IN, AND/OR/NOT)."""

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgsim import And, Clock, Compare, Not, Or, Org

TEXTS = st.sampled_from(["alpha", "Alpha", "beta", "GAMMA", "gamma", "delta"])
AMOUNTS = st.sampled_from([Decimal("1.00"), Decimal("10.50"), Decimal("100.00"), Decimal("-5.00")])

record = st.fixed_dictionaries(
    {
        "NextStep": st.none() | TEXTS,
        "Amount": st.none() | AMOUNTS,
        "CloseDate": st.sampled_from([dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2027, 1, 1)]),
    }
)


def text_value(field):
    return TEXTS if field == "NextStep" else (AMOUNTS if field == "Amount" else st.sampled_from([dt.date(2026, 6, 30)]))


compare = (
    st.sampled_from(["NextStep", "Amount", "CloseDate"])
    .flatmap(
        lambda field: st.one_of(
            st.tuples(st.just(field), st.sampled_from(["=", "!="]), st.none() | text_value(field)),
            st.tuples(st.just(field), st.sampled_from(["<", "<=", ">", ">="]), text_value(field)),
            st.tuples(
                st.just(field), st.sampled_from(["IN", "NOT IN"]), st.lists(text_value(field), min_size=1, max_size=3)
            ),
        )
    )
    .map(lambda t: Compare(*t))
)

predicates = st.recursive(
    compare,
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
        inner.map(Not),
    ),
    max_leaves=6,
)


def norm(value):
    return value.lower() if isinstance(value, str) else value


def holds(pred, row) -> bool:
    if isinstance(pred, And):
        return all(holds(p, row) for p in pred.items)
    if isinstance(pred, Or):
        return any(holds(p, row) for p in pred.items)
    if isinstance(pred, Not):
        return not holds(pred.item, row)
    value, target, op = norm(row[pred.path]), pred.value, pred.op
    if op in ("IN", "NOT IN"):
        inside = value is not None and value in [norm(t) for t in target]
        return inside if op == "IN" else not inside
    if target is None:
        return (value is None) if op == "=" else (value is not None)
    target = norm(target)
    if op == "=":
        return value == target
    if op == "!=":
        return value is None or value != target
    if value is None:
        return False
    return {"<": value < target, "<=": value <= target, ">": value > target, ">=": value >= target}[op]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(record, min_size=1, max_size=12), predicates)
def test_select_matches_soql_semantics(rows, predicate):
    org = Org.open(":memory:", clock=Clock(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))
    try:
        saved = org.insert(
            "Opportunity", [{"Name": f"r{i}", "StageName": "Prospecting", **r} for i, r in enumerate(rows)]
        )
        by_id = {res.id: r for res, r in zip(saved, rows)}
        got = {row["Id"] for row in org.select("Opportunity", ["Id"], predicate)}
        expected = {rid for rid, r in by_id.items() if holds(predicate, r)}
        assert got == expected
    finally:
        org.close()
