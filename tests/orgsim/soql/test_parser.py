import datetime as dt

import pytest

from orgsim.soql import SoqlError, ast, parse


def test_full_clause_set_parses_into_the_ast():
    q = parse(
        "select Id, RecordType.DeveloperName from Opportunity "
        "where (StageName = 'Closed Won' or Amount >= 10.5) and not Name like 'a%' "
        "and CloseDate > LAST_N_DAYS:30 and Id in ('a','b') and Amount not in (1, 2) and X__c = null "
        "and D__c = 2024-01-02 and T__c < 2024-01-02T10:00:00Z and Flag__c <> true "
        "order by Name desc nulls first, Id limit 10 offset 5"
    )
    assert q.sobject == "Opportunity"
    assert [f.path for f in q.fields] == [("Id",), ("RecordType", "DeveloperName")]
    assert q.limit == 10 and q.offset == 5
    assert q.order_by[0] == ast.OrderItem(q.order_by[0].field, descending=True, nulls_last=False)
    assert q.order_by[1].descending is False and q.order_by[1].nulls_last is False
    top = q.where
    assert isinstance(top, ast.And)
    assert isinstance(top.items[0], ast.Or)
    assert isinstance(top.items[1], ast.Not) and isinstance(top.items[1].item, ast.Like)
    assert top.items[2].value == ast.DateLiteral("LAST_N_DAYS", 30)
    assert top.items[3] == ast.InList(top.items[3].field, ("a", "b"), negated=False)
    assert top.items[4].negated is True and top.items[4].values == (1, 2)
    assert top.items[5].value is None
    assert top.items[6].value == dt.date(2024, 1, 2)
    assert top.items[7].value == dt.datetime(2024, 1, 2, 10, tzinfo=dt.timezone.utc)
    assert top.items[8].op == "!=" and top.items[8].value is True


def test_count_and_desc_default_nulls_last():
    q = parse("SELECT COUNT() FROM Account ORDER BY Name DESC")
    assert q.count_only and q.fields == ()
    assert q.order_by[0].nulls_last is True


def test_string_escapes():
    q = parse(r"SELECT Id FROM Account WHERE Name = 'it\'s a \\ test\n'")
    assert q.where.value == "it's a \\ test\n"


@pytest.mark.parametrize(
    "soql, column, detail",
    [
        ("SELECT Id FROM Account WHERE", 29, "unexpected token: '<EOF>'"),
        ("SELECT Id FROM Account WHERE Name = 'x", 37, "unexpected token: '''"),
        ("SELECT Id, FROM Account", 17, "unexpected token: 'Account'"),
        ("SELECT Id FROM Account LIMIT ten", 30, "unexpected token: 'ten'"),
        ("SELECT Id FROM Account WHERE CloseDate = LAST_YEAR", 42, "date literal 'LAST_YEAR' is not supported"),
        ("SELECT Owner.Manager.Name FROM Account", 8, "more than one parent deep"),
        ("SELECT Id FROM Account FOR UPDATE", 28, "FOR UPDATE is not supported"),
        ("SELECT Id FROM Account OFFSET 2001", 31, "Maximum SOQL offset allowed is 2000"),
    ],
)
def test_malformed_queries_name_the_column(soql, column, detail):
    with pytest.raises(SoqlError) as info:
        parse(soql)
    err = info.value
    assert err.error_code == "MALFORMED_QUERY"
    assert f"ERROR at Row:1:Column:{column}" in err.message
    assert detail in err.message
    lines = err.message.split("\n")
    assert lines[1] == soql and lines[2] == " " * (column - 1) + "^"


def test_multiline_query_reports_single_row_columns():
    with pytest.raises(SoqlError) as info:
        parse("SELECT Id\nFROM Account\nWHERE")
    assert "ERROR at Row:1:Column:29" in info.value.message


def test_child_subquery_parses_in_select_order():
    q = parse("SELECT Id, (SELECT Name FROM Opportunities WHERE Amount > 1 ORDER BY Name LIMIT 2), Name FROM Account")
    assert isinstance(q.fields[1], ast.SubQuery)
    sub = q.fields[1]
    assert sub.relationship == "Opportunities" and [f.path for f in sub.fields] == [("Name",)]
    assert sub.limit == 2 and sub.order_by[0].field.path == ("Name",) and sub.where.op == ">"
    assert [f.path for f in (q.fields[0], q.fields[2])] == [("Id",), ("Name",)]
