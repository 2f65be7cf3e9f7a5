import pytest

from orgsim.soql import SoqlError, execute


def names(result):
    return sorted(r["Name"] for r in result.records)


def test_records_are_rest_shaped_with_canonical_names_and_parent_fields(org):
    result = execute(
        org,
        "select id, name, amount, closedate, createddate, recordtype.developername, Account.Name "
        "from opportunity where Name = 'gala tickets'",
    )
    assert result.total_size == 1
    [record] = result.records
    opp_id = record["Id"]
    assert list(record) == ["attributes", "Id", "Name", "Amount", "CloseDate", "CreatedDate", "RecordType", "Account"]
    assert record["attributes"] == {"type": "Opportunity", "url": f"/services/data/v66.0/sobjects/Opportunity/{opp_id}"}
    assert record["Amount"] == 100.0 and record["CloseDate"] == "2026-03-15"
    assert record["CreatedDate"] == "2026-03-15T12:00:00.000+0000"
    assert record["RecordType"]["DeveloperName"] == "Profit"
    assert record["RecordType"]["attributes"]["type"] == "RecordType"
    assert record["Account"]["Name"] == "Acme"


def test_null_parent_renders_as_null(org):
    [record] = execute(org, "SELECT Account.Name FROM Opportunity WHERE NextStep = 'in_3'").records
    assert record["Account"] is None


@pytest.mark.parametrize(
    "where, expected",
    [
        ("StageName = 'closed won'", ["Annual dues 50%", "Gala tickets"]),  # text equality ignores case
        ("StageName != 'Closed Won'", ["gala sponsorship"]),
        ("Amount > 100", ["gala sponsorship"]),
        ("Amount >= 100", ["Gala tickets", "gala sponsorship"]),
        ("Amount < 2500.5", ["Gala tickets"]),
        ("Amount <= 2500.5", ["Gala tickets", "gala sponsorship"]),
        ("Amount = null", ["Annual dues 50%"]),
        ("Amount != null", ["Gala tickets", "gala sponsorship"]),
        ("NextStep IN ('in_1', 'in_3')", ["Annual dues 50%", "Gala tickets"]),
        ("NextStep NOT IN ('in_1')", ["Annual dues 50%", "gala sponsorship"]),  # SOQL: NOT IN keeps nulls
        ("Name LIKE 'gala%'", ["Gala tickets", "gala sponsorship"]),
        ("Name LIKE '%50\\%'", ["Annual dues 50%"]),
        ("Name LIKE 'Gala _ickets'", ["Gala tickets"]),
        ("NOT Name LIKE 'gala%'", ["Annual dues 50%"]),
        ("IsWon = true", ["Annual dues 50%", "Gala tickets"]),
        ("(StageName = 'Prospecting' OR Amount = 100) AND IsWon = false", ["gala sponsorship"]),
        ("StageName = 'Prospecting' OR Amount = 100 AND IsWon = true", ["Gala tickets", "gala sponsorship"]),
        ("RecordType.DeveloperName = 'Nonprofit'", ["Annual dues 50%", "gala sponsorship"]),
        ("Account.Name = null", ["Annual dues 50%"]),
        ("CloseDate = TODAY", ["Gala tickets"]),
        ("CloseDate < TODAY", ["Annual dues 50%", "gala sponsorship"]),
        ("CloseDate = LAST_N_DAYS:7", ["Annual dues 50%", "Gala tickets"]),
        ("CloseDate > 2026-03-10", ["Gala tickets"]),
        ("CreatedDate = TODAY", ["Gala tickets"]),
        ("CreatedDate = YESTERDAY", ["Annual dues 50%"]),
        ("CreatedDate != TODAY", ["Annual dues 50%", "gala sponsorship"]),
        ("CreatedDate >= 2026-03-14T23:59:59Z", ["Annual dues 50%", "Gala tickets"]),
        ("CreatedDate > 2026-03-15T00:00:00-05:00", ["Gala tickets"]),
    ],
)
def test_where_operators(org, where, expected):
    assert names(execute(org, f"SELECT Name FROM Opportunity WHERE {where}")) == expected


def test_order_limit_offset(org):
    def order(soql):
        return [r["Name"] for r in execute(org, soql).records]

    q = "SELECT Name FROM Opportunity ORDER BY Amount DESC"
    assert order(q) == ["gala sponsorship", "Gala tickets", "Annual dues 50%"]  # DESC: nulls last
    assert order("SELECT Name FROM Opportunity ORDER BY Amount") == [
        "Annual dues 50%",
        "Gala tickets",
        "gala sponsorship",
    ]
    assert order("SELECT Name FROM Opportunity ORDER BY Amount ASC NULLS LAST") == [
        "Gala tickets",
        "gala sponsorship",
        "Annual dues 50%",
    ]
    assert order("SELECT Name FROM Opportunity ORDER BY Name") == [
        "Annual dues 50%",
        "gala sponsorship",
        "Gala tickets",
    ]
    assert order("SELECT Name FROM Opportunity ORDER BY StageName, Amount DESC") == [
        "Gala tickets",
        "Annual dues 50%",
        "gala sponsorship",
    ]
    assert order(q + " LIMIT 2") == ["gala sponsorship", "Gala tickets"]
    assert order(q + " LIMIT 1 OFFSET 1") == ["Gala tickets"]
    assert order("SELECT Name FROM Opportunity ORDER BY RecordType.DeveloperName DESC, Name") == [
        "Gala tickets",
        "Annual dues 50%",
        "gala sponsorship",
    ]


def test_count(org):
    assert execute(org, "SELECT COUNT() FROM Opportunity WHERE StageName = 'Closed Won'").total_size == 2
    assert execute(org, "SELECT COUNT() FROM Opportunity LIMIT 1").total_size == 1
    assert execute(org, "SELECT COUNT() FROM Opportunity").records == []


def test_core_query_delegates_here(org):
    assert org.query("SELECT COUNT() FROM Account").total_size == 2


@pytest.mark.parametrize(
    "soql, code, detail",
    [
        ("SELECT Id, Nope__c FROM Opportunity", "INVALID_FIELD", "No such column 'Nope__c' on entity 'Opportunity'"),
        ("SELECT Id FROM Opportunity WHERE Nope = 1", "INVALID_FIELD", "No such column 'Nope' on entity 'Opportunity'"),
        ("SELECT Nobody.Name FROM Opportunity", "INVALID_FIELD", "Didn't understand relationship 'Nobody'"),
        ("SELECT RecordType.Nope FROM Opportunity", "INVALID_FIELD", "No such column 'Nope' on entity 'RecordType'"),
        ("SELECT Id FROM Opportunity__x", "INVALID_TYPE", "sObject type 'Opportunity__x' is not supported"),
        (
            "SELECT Id FROM Opportunity WHERE CloseDate = '2026-01-01'",
            "INVALID_FIELD",
            "value of filter criterion for field 'CloseDate' must be of type date and should not be enclosed in quotes",
        ),
        (
            "SELECT Id FROM Opportunity WHERE Name = 5",
            "INVALID_FIELD",
            "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes",
        ),
        ("SELECT Id FROM Opportunity WHERE Amount = '5'", "INVALID_FIELD", "must be of type double"),
        ("SELECT Id FROM Opportunity WHERE IsWon = 'true'", "INVALID_FIELD", "must be of type boolean"),
        ("SELECT Id FROM Opportunity WHERE Amount LIKE '5%'", "INVALID_FIELD", "invalid operator on currency field"),
        ("SELECT Id FROM Opportunity WHERE IsWon > true", "INVALID_FIELD", "invalid operator on boolean field"),
        ("SELECT Id, id FROM Opportunity", "MALFORMED_QUERY", "duplicate field selected: id"),
    ],
)
def test_errors_match_salesforce(org, soql, code, detail):
    with pytest.raises(SoqlError) as info:
        execute(org, soql)
    assert info.value.error_code == code
    assert detail in info.value.message
    assert info.value.as_rest_error() == {"message": info.value.message, "errorCode": code}
