"""The query primitive under SOQL: predicates, parent fields, ordering, limits."""

import datetime as dt
from decimal import Decimal

import pytest
from orgsim_helpers import opp

from orgsim import And, Compare, Not, Or, UnknownField, UnknownObject


@pytest.fixture
def data(org):
    acme, beta = [r.id for r in org.insert("Account", [{"Name": "Acme"}, {"Name": "beta"}])]
    org.insert(
        "Opportunity",
        [
            opp("A", amount=10, AccountId=acme, Description="alpha"),
            opp("B", amount=None, AccountId=beta),
            opp("C", amount=30, AccountId=acme, Description="gamma 50%"),
        ],
    )
    return acme, beta


def names(rows):
    return [r["Name"] for r in rows]


def test_compare_operators(org, data):
    assert names(org.select("Opportunity", ["Name"], Compare("Amount", ">", 15))) == ["C"]
    assert names(org.select("Opportunity", ["Name"], Compare("Amount", "=", None))) == ["B"]
    assert names(org.select("Opportunity", ["Name"], Compare("Amount", "!=", None))) == ["A", "C"]
    # SOQL: != also matches null
    assert names(org.select("Opportunity", ["Name"], Compare("Description", "!=", "alpha"))) == ["B", "C"]
    assert names(org.select("Opportunity", ["Name"], Compare("Name", "IN", ["a", "C"]))) == ["A", "C"]
    assert names(org.select("Opportunity", ["Name"], Compare("Name", "NOT IN", ["A"]))) == ["B", "C"]
    assert names(org.select("Opportunity", ["Name"], Compare("Description", "LIKE", "%50\\%"))) == ["C"]


def test_text_is_case_insensitive_and_logic(org, data):
    assert names(org.select("Opportunity", ["Name"], Compare("Name", "=", "a"))) == ["A"]
    pred = Or((And((Compare("Amount", ">", 5), Compare("Amount", "<", 20))), Not(Compare("Amount", "!=", None))))
    assert names(org.select("Opportunity", ["Name"], pred)) == ["A", "B"]


def test_parent_fields_and_filter_on_them(org, data):
    rows = org.select(
        "Opportunity",
        ["Name", "Account.Name", "Owner.Username"],
        Compare("Account.Name", "=", "ACME"),
        order_by=[("Name", "DESC")],
    )
    assert rows == [
        {"Name": "C", "Account.Name": "Acme", "Owner.Username": "admin@orgsim.local"},
        {"Name": "A", "Account.Name": "Acme", "Owner.Username": "admin@orgsim.local"},
    ]


def test_order_nulls_limit_offset(org, data):
    assert names(org.select("Opportunity", ["Name"], order_by=[("Amount", "ASC")])) == ["B", "A", "C"]
    assert names(org.select("Opportunity", ["Name"], order_by=[("Amount", "DESC")])) == ["C", "A", "B"]
    assert names(org.select("Opportunity", ["Name"], order_by=[("Amount", "ASC", "LAST")], limit=2, offset=1)) == [
        "C",
        "B",
    ]
    assert org.count("Opportunity", Compare("AccountId", "=", data[0])) == 2


def test_types_come_back_typed(org, data):
    row = org.select("Opportunity", ["Amount", "CloseDate", "CreatedDate", "IsWon"], Compare("Name", "=", "A"))[0]
    assert row["Amount"] == Decimal("10.00") and str(row["Amount"]) == "10.00"
    assert row["CloseDate"] == dt.date(2026, 12, 31)
    assert row["CreatedDate"].tzinfo is not None
    assert row["IsWon"] is False


def test_15_char_ids_match(org, data):
    acme = data[0]
    assert org.count("Opportunity", Compare("AccountId", "=", acme[:15])) == 2


def test_unknown_names_raise(org):
    with pytest.raises(UnknownObject):
        org.select("Nope__c", ["Id"])
    with pytest.raises(UnknownField, match="No such column 'Bogus'"):
        org.select("Opportunity", ["Bogus"])
    with pytest.raises(UnknownField):
        org.select("Opportunity", ["Nobody.Name"])
