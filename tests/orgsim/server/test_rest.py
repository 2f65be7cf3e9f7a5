"""REST API through simple-salesforce (and plain requests where it has no helper)."""

from __future__ import annotations

import json

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound


def test_crud_round_trip(org_server):
    server, config, org, sf = org_server
    created = sf.Account.create({"Name": "Acme", "Industry": "Nonprofit"})
    assert created["success"] and created["id"].startswith("001")
    record = sf.Account.get(created["id"])
    assert record["Name"] == "Acme" and record["attributes"]["type"] == "Account"
    assert sf.Account.update(created["id"], {"Name": "Acme Inc"}) == 204
    assert sf.Account.get(created["id"])["Name"] == "Acme Inc"
    assert org.retrieve("Account", created["id"])["Name"] == "Acme Inc"
    assert sf.Account.delete(created["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound):
        sf.Account.get(created["id"])


def test_save_errors_come_back_in_salesforce_shape(org_server):
    server, config, org, sf = org_server
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Opportunity.create({"Name": "No stage"})
    [error] = info.value.content
    assert error["errorCode"] == "REQUIRED_FIELD_MISSING" and "StageName" in error["fields"]
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Opportunity.create({"Name": "Bad stage", "StageName": "Nope", "CloseDate": "2026-01-01"})
    assert info.value.content[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Account.create({"Name": "x", "Nope__c": 1})
    assert info.value.content[0]["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceResourceNotFound):
        sf.Nope__c.create({"Name": "x"})


def test_describe(org_server):
    server, config, org, sf = org_server
    names = {o["name"] for o in sf.describe()["sobjects"]}
    assert {"Account", "Opportunity", "stripeGC__Stripe_Event__c", "Organization"} <= names
    describe = sf.Opportunity.describe()
    stage = next(f for f in describe["fields"] if f["name"] == "StageName")
    assert stage["type"] == "picklist" and "Closed Won" in [v["value"] for v in stage["picklistValues"]]
    assert sf.Opportunity.metadata()["objectDescribe"]["name"] == "Opportunity"


def test_query_and_paging(org_server, https):
    server, config, org, sf = org_server
    records = [{"attributes": {"type": "Account"}, "Name": f"Acct {i:03d}"} for i in range(200)]
    body = {"allOrNone": True, "records": records}
    for _ in range(2):
        results = sf.restful("composite/sobjects", method="POST", data=json.dumps(body))
        assert len(results) == 200 and all(r["success"] for r in results)
    first = sf.query("SELECT Id, Name FROM Account ORDER BY Name", headers={"Sforce-Query-Options": "batchSize=200"})
    assert first["totalSize"] == 400 and len(first["records"]) == 200 and first["done"] is False
    assert first["nextRecordsUrl"].startswith("/services/data/v66.0/query/")
    everything = sf.query_all(
        "SELECT Id, Name FROM Account ORDER BY Name", headers={"Sforce-Query-Options": "batchSize=200"}
    )
    assert everything["totalSize"] == 400 and len(everything["records"]) == 400
    assert [r["Name"] for r in everything["records"][:2]] == ["Acct 000", "Acct 000"]
    assert sf.query("SELECT COUNT() FROM Account WHERE Name LIKE 'Acct 19%'")["totalSize"] == 20
    assert sf.query_all("SELECT Id FROM Account LIMIT 5")["totalSize"] == 5  # queryAll endpoint


def test_query_errors(org_server):
    server, config, org, sf = org_server
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Id FROM Account WHERE")
    assert info.value.content[0]["errorCode"] == "MALFORMED_QUERY"
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Nope FROM Account")
    assert info.value.content[0]["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Id FROM Nope")
    assert info.value.content[0]["errorCode"] == "INVALID_TYPE"


def test_composite_collections_partial_and_all_or_none(org_server):
    server, config, org, sf = org_server
    good = {"attributes": {"type": "Opportunity"}, "Name": "ok", "StageName": "Prospecting", "CloseDate": "2026-01-01"}
    bad = {"attributes": {"type": "Opportunity"}, "Name": "bad", "CloseDate": "2026-01-01"}
    partial = sf.restful(
        "composite/sobjects", method="POST", data=json.dumps({"allOrNone": False, "records": [good, bad]})
    )
    assert [r["success"] for r in partial] == [True, False]
    assert partial[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    rolled = sf.restful(
        "composite/sobjects", method="POST", data=json.dumps({"allOrNone": True, "records": [good, bad]})
    )
    assert [r["success"] for r in rolled] == [False, False]
    assert rolled[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert sf.query("SELECT COUNT() FROM Opportunity")["totalSize"] == 1
    updated = sf.restful(
        "composite/sobjects",
        method="PATCH",
        data=json.dumps(
            {"records": [{"attributes": {"type": "Opportunity"}, "Id": partial[0]["id"], "StageName": "Closed Won"}]}
        ),
    )
    assert updated[0]["success"]
    assert sf.Opportunity.get(partial[0]["id"])["StageName"] == "Closed Won"
    deleted = sf.restful("composite/sobjects", method="DELETE", params={"ids": partial[0]["id"]})
    assert deleted[0]["success"]
    too_many = {"records": [good] * 201}
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.restful("composite/sobjects", method="POST", data=json.dumps(too_many))
    assert info.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_upsert_by_external_id(org_server):
    server, config, org, sf = org_server
    import tempfile
    import textwrap
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        field = Path(tmp) / "objects" / "Opportunity" / "fields" / "Stripe_Invoice_ID__c.field-meta.xml"
        field.parent.mkdir(parents=True)
        field.write_text(
            textwrap.dedent("""\
            <?xml version="1.0" encoding="UTF-8"?>
            <CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
                <fullName>Stripe_Invoice_ID__c</fullName>
                <externalId>true</externalId>
                <label>Stripe Invoice ID</label>
                <length>255</length>
                <type>Text</type>
                <unique>true</unique>
            </CustomField>
            """)
        )
        org.deploy_source(Path(tmp))
    data = {"Name": "Inv", "StageName": "Prospecting", "CloseDate": "2026-01-01"}
    first = sf.Opportunity.upsert("Stripe_Invoice_ID__c/in_123", data, raw_response=True)
    assert first.status_code == 201 and first.json()["created"] is True
    second = sf.Opportunity.upsert("Stripe_Invoice_ID__c/in_123", {"StageName": "Closed Won"}, raw_response=True)
    assert second.status_code == 200 and second.json()["created"] is False
    assert second.json()["id"] == first.json()["id"]
    fetched = sf.Opportunity.get_by_custom_id("Stripe_Invoice_ID__c", "in_123")
    assert fetched["StageName"] == "Closed Won"
    with pytest.raises(SalesforceResourceNotFound):
        sf.Opportunity.upsert("Name/whatever", data)
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Opportunity.create({**data, "Stripe_Invoice_ID__c": "in_123"})
    assert info.value.content[0]["errorCode"] == "DUPLICATE_VALUE"


def test_protocol_errors(org_server, https):
    server, config, org, sf = org_server
    auth = {"Authorization": f"Bearer {sf.session_id}", "Content-Type": "application/json"}
    base = f"{config.instance_url}/services/data/v66.0"
    bad_json = https.post(f"{base}/sobjects/Account", data="{not json", headers=auth)
    assert bad_json.status_code == 400 and bad_json.json()[0]["errorCode"] == "JSON_PARSER_ERROR"
    empty = https.post(f"{base}/sobjects/Account", data="", headers=auth)
    assert empty.status_code == 400 and empty.json()[0]["errorCode"] == "JSON_PARSER_ERROR"
    with_id = https.post(f"{base}/sobjects/Account", json={"Id": "001000000000000AAA", "Name": "x"}, headers=auth)
    assert with_id.status_code == 400 and with_id.json()[0]["errorCode"] == "INVALID_FIELD"
    wrong_method = https.put(f"{base}/sobjects/Account", json={}, headers=auth)
    assert wrong_method.status_code == 405 and wrong_method.json()[0]["errorCode"] == "METHOD_NOT_ALLOWED"
    nowhere = https.get(f"{base}/nowhere", headers=auth)
    assert nowhere.status_code == 404 and nowhere.json()[0]["errorCode"] == "NOT_FOUND"
    no_query = https.get(f"{base}/query", headers=auth)
    assert no_query.status_code == 400 and no_query.json()[0]["errorCode"] == "MALFORMED_QUERY"
    bad_locator = https.get(f"{base}/query/01gXYZ-2000", headers=auth)
    assert bad_locator.status_code == 400 and bad_locator.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_cumulusci_reads_organization_and_userinfo(org_server, https):
    server, config, org, sf = org_server
    organization = sf.Organization.get(config.org_id)
    assert organization["OrganizationType"] == "Developer Edition" and organization["IsSandbox"] is True
    info = sf.restful("", method="GET")
    assert info["query"] == "/services/data/v66.0/query"


def test_child_relationship_subqueries(org_server):
    server, config, org, sf = org_server
    acme = sf.Account.create({"Name": "Acme"})["id"]
    sf.Account.create({"Name": "Empty"})
    for name, amount in (("B", 20), ("A", 10), ("C", 30)):
        sf.Opportunity.create(
            {"Name": name, "AccountId": acme, "StageName": "Prospecting", "CloseDate": "2026-01-01", "Amount": amount}
        )
    records = sf.query(
        "SELECT Name, (SELECT Name, Amount FROM Opportunities WHERE Amount > 10 ORDER BY Name DESC LIMIT 5) "
        "FROM Account ORDER BY Name"
    )["records"]
    assert [r["Name"] for r in records] == ["Acme", "Empty"]
    children = records[0]["Opportunities"]
    assert children["totalSize"] == 2 and children["done"] is True
    assert [(c["Name"], c["Amount"]) for c in children["records"]] == [("C", 30.0), ("B", 20.0)]
    assert children["records"][0]["attributes"]["type"] == "Opportunity"
    assert records[1]["Opportunities"] is None  # no children: null, as Salesforce answers
    limited = sf.query("SELECT (SELECT Name FROM Opportunities ORDER BY Name LIMIT 1) FROM Account WHERE Name = 'Acme'")
    assert [c["Name"] for c in limited["records"][0]["Opportunities"]["records"]] == ["A"]
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT (SELECT Id FROM Nothings) FROM Account")
    assert info.value.content[0]["errorCode"] == "INVALID_TYPE"
