import pytest

from orgsim.soql import SoqlError, execute


def ids(result):
    return [r["Id"] for r in result.records]


def test_records_are_rest_shaped_with_canonical_names_and_parent_fields(source):
    result = execute("select id, name, recordtype.developername, Account.Name from opportunity where Id = '006a'", source)
    assert result.total_size == 1
    assert result.records == [
        {
            "attributes": {"type": "Opportunity", "url": "/services/data/v66.0/sobjects/Opportunity/006a"},
            "Id": "006a",
            "Name": "Gala tickets",
            "RecordType": {
                "attributes": {"type": "RecordType", "url": "/services/data/v66.0/sobjects/RecordType/012P"},
                "DeveloperName": "Profit",
            },
            "Account": {
                "attributes": {"type": "Account", "url": "/services/data/v66.0/sobjects/Account/001A"},
                "Name": "Acme",
            },
        }
    ]


def test_null_parent_renders_as_null(source):
    result = execute("SELECT Account.Name FROM Opportunity WHERE Id = '006c'", source)
    assert result.records[0]["Account"] is None


@pytest.mark.parametrize(
    "where, expected",
    [
        ("StageName = 'closed won'", ["006a", "006c"]),  # text equality ignores case
        ("StageName != 'Closed Won'", ["006b"]),
        ("Amount > 100", ["006b"]),
        ("Amount >= 100", ["006a", "006b"]),
        ("Amount < 2500.5", ["006a"]),
        ("Amount <= 2500.5", ["006a", "006b"]),
        ("Amount = null", ["006c"]),
        ("Amount != null", ["006a", "006b"]),
        ("Stripe_Invoice_ID__c IN ('in_1', 'in_3')", ["006a", "006c"]),
        ("Stripe_Invoice_ID__c NOT IN ('in_1')", ["006b", "006c"]),
        ("Name LIKE 'gala%'", ["006a", "006b"]),
        ("Name LIKE '%50\\%'", ["006c"]),
        ("Name LIKE 'Gala _ickets'", ["006a"]),
        ("NOT Name LIKE 'gala%'", ["006c"]),
        ("IsPrivate = true", ["006b"]),
        ("(StageName = 'Prospecting' OR Amount = 100) AND IsPrivate = false", ["006a"]),
        ("StageName = 'Prospecting' OR Amount = 100 AND IsPrivate = false", ["006a", "006b"]),
        ("RecordType.DeveloperName = 'Nonprofit'", ["006b", "006c"]),
        ("Account.Name = null", ["006c"]),
        ("CloseDate = TODAY", ["006a"]),
        ("CloseDate < TODAY", ["006b", "006c"]),
        ("CloseDate = LAST_N_DAYS:7", ["006a", "006c"]),
        ("CloseDate > 2026-03-10", ["006a"]),
        ("CreatedDate = TODAY", ["006a"]),
        ("CreatedDate = YESTERDAY", ["006c"]),
        ("CreatedDate >= 2026-03-14T23:59:59Z", ["006a", "006c"]),
        ("CreatedDate > 2026-03-15T00:00:00-05:00", ["006a"]),
    ],
)
def test_where_operators(source, where, expected):
    assert sorted(ids(execute(f"SELECT Id FROM Opportunity WHERE {where}", source))) == expected


def test_order_limit_offset(source):
    q = "SELECT Id FROM Opportunity ORDER BY Amount DESC"
    assert ids(execute(q, source)) == ["006b", "006a", "006c"]  # DESC: nulls last
    assert ids(execute("SELECT Id FROM Opportunity ORDER BY Amount", source)) == ["006c", "006a", "006b"]
    assert ids(execute("SELECT Id FROM Opportunity ORDER BY Amount ASC NULLS LAST", source)) == ["006a", "006b", "006c"]
    assert ids(execute("SELECT Id FROM Opportunity ORDER BY Name", source)) == ["006c", "006b", "006a"]
    assert ids(execute("SELECT Id FROM Opportunity ORDER BY StageName, Amount DESC", source)) == ["006a", "006c", "006b"]
    assert ids(execute(q + " LIMIT 2", source)) == ["006b", "006a"]
    assert ids(execute(q + " LIMIT 1 OFFSET 1", source)) == ["006a"]
    assert ids(execute("SELECT Id FROM Opportunity ORDER BY RecordType.DeveloperName, Id", source)) == ["006b", "006c", "006a"]


def test_count(source):
    result = execute("SELECT COUNT() FROM Opportunity WHERE StageName = 'Closed Won'", source)
    assert result.total_size == 2 and result.records == []


def test_query_all_sees_deleted_rows(source):
    source.deleted["Account"] = [{"Id": "001Z", "Name": "Gone"}]
    assert execute("SELECT COUNT() FROM Account", source).total_size == 2
    assert execute("SELECT COUNT() FROM Account", source, include_deleted=True).total_size == 3


@pytest.mark.parametrize(
    "soql, code, detail",
    [
        ("SELECT Id, Nope__c FROM Opportunity", "INVALID_FIELD", "No such column 'Nope__c' on entity 'Opportunity'"),
        ("SELECT Id FROM Opportunity WHERE Nope = 1", "INVALID_FIELD", "No such column 'Nope' on entity 'Opportunity'"),
        ("SELECT Owner.Name FROM Opportunity", "INVALID_FIELD", "Didn't understand relationship 'Owner'"),
        ("SELECT RecordType.Nope FROM Opportunity", "INVALID_FIELD", "No such column 'Nope' on entity 'RecordType'"),
        ("SELECT Id FROM Opportunity__x", "INVALID_TYPE", "sObject type 'Opportunity__x' is not supported"),
        ("SELECT Id FROM Opportunity WHERE CloseDate = '2026-01-01'", "INVALID_FIELD",
         "value of filter criterion for field 'CloseDate' must be of type date and should not be enclosed in quotes"),
        ("SELECT Id FROM Opportunity WHERE Name = 5", "INVALID_FIELD",
         "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes"),
        ("SELECT Id FROM Opportunity WHERE Amount = '5'", "INVALID_FIELD", "must be of type double"),
        ("SELECT Id FROM Opportunity WHERE IsPrivate = 'true'", "INVALID_FIELD", "must be of type boolean"),
        ("SELECT Id FROM Opportunity WHERE Amount LIKE '5%'", "INVALID_FIELD", "invalid operator on currency field"),
        ("SELECT Id, id FROM Opportunity", "MALFORMED_QUERY", "duplicate field selected: id"),
    ],
)
def test_errors_match_salesforce(source, soql, code, detail):
    with pytest.raises(SoqlError) as info:
        execute(soql, source)
    assert info.value.error_code == code
    assert detail in info.value.message
    assert info.value.as_rest_error() == {"message": info.value.message, "errorCode": code}
