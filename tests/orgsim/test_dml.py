"""DML: validation, error codes, partial success, upsert, delete, system fields."""

from decimal import Decimal

import pytest
from orgsim_helpers import NS, field, opp, standard_fields, write

from orgsim import OrgError, UnknownField


@pytest.fixture
def custom(org, tmp_path):
    standard_fields(tmp_path)
    write(
        tmp_path,
        "objects/Opportunity/validationRules/Amount_Not_Negative.validationRule-meta.xml",
        f"""
<ValidationRule {NS}>
    <fullName>Amount_Not_Negative</fullName>
    <active>true</active>
    <errorConditionFormula>Amount &lt; 0</errorConditionFormula>
    <errorDisplayField>Amount</errorDisplayField>
    <errorMessage>Amount cannot be negative.</errorMessage>
</ValidationRule>""",
    )
    org.deploy_source(tmp_path)
    return org


def codes(result):
    return [e["statusCode"] for e in result.errors]


def test_insert_sets_system_fields_and_derived(org, clock):
    r = org.insert("Opportunity", [opp(stage="Closed Won")])[0]
    row = org.retrieve("Opportunity", r.id)
    assert r.success and r.created and r.id.startswith("006") and len(r.id) == 18
    assert row["CreatedDate"] == clock.now() and row["OwnerId"] == org.user_id
    assert row["IsWon"] is True and row["IsClosed"] is True


def test_validation_errors_per_record(custom):
    org = custom
    results = org.insert(
        "Opportunity",
        [
            opp("ok"),
            {"StageName": "Prospecting"},
            opp(stage="Bogus"),
            opp(Stripe_Payment_Status__c="Unknown"),
            opp(amount=-1),
            opp(amount="abc"),
            opp(AccountId="001000000000000"),
            opp(AccountId=org.user_id),
            opp(AccountId="0060000000000AAZZZ"),
        ],
    )
    assert results[0].success
    assert codes(results[1]) == ["REQUIRED_FIELD_MISSING"] and results[1].errors[0]["fields"] == ["Name", "CloseDate"]
    assert codes(results[2]) == ["INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"]
    assert codes(results[3]) == ["INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"]
    assert codes(results[4]) == ["FIELD_CUSTOM_VALIDATION_EXCEPTION"]
    assert results[4].errors[0]["message"] == "Amount cannot be negative." and results[4].errors[0]["fields"] == [
        "Amount"
    ]
    assert codes(results[5]) == ["INVALID_TYPE_ON_FIELD_IN_RECORD"]
    assert codes(results[6]) == ["INVALID_CROSS_REFERENCE_KEY"]  # well-formed, no such Account
    assert codes(results[7]) == ["FIELD_INTEGRITY_EXCEPTION"]  # a User Id in an Account lookup
    assert codes(results[8]) == ["MALFORMED_ID"]  # bad checksum
    assert org.count("Opportunity") == 1


def test_unknown_field_is_request_error(org):
    with pytest.raises(UnknownField):
        org.insert("Opportunity", [opp(Bogus__c=1)])


def test_read_only_field(org):
    r = org.insert("Opportunity", [opp(IsWon=True)])[0]
    assert codes(r) == ["INVALID_FIELD_FOR_INSERT_UPDATE"]


def test_unique_and_external_id_upsert(custom):
    org = custom
    a = org.insert("Opportunity", [opp("a", Stripe_Invoice_ID__c="in_1")])[0]
    dup = org.insert(
        "Opportunity",
        [
            opp("b", Stripe_Invoice_ID__c="IN_1"),
            opp("c", Stripe_Invoice_ID__c="in_2"),
            opp("d", Stripe_Invoice_ID__c="in_2"),
        ],
    )
    assert codes(dup[0]) == ["DUPLICATE_VALUE"] and a.id in dup[0].errors[0]["message"]
    assert dup[1].success and codes(dup[2]) == ["DUPLICATE_VALUE"]
    up = org.upsert(
        "Opportunity",
        "Stripe_Invoice_ID__c",
        [{"Stripe_Invoice_ID__c": "in_1", "Amount": 5}, opp("new", Stripe_Invoice_ID__c="in_3")],
    )
    assert up[0].success and not up[0].created and up[0].id == a.id
    assert up[1].success and up[1].created
    assert org.retrieve("Opportunity", a.id, ["Amount"])["Amount"] == Decimal("5.00")
    with pytest.raises(OrgError, match="not an External ID"):
        org.upsert("Opportunity", "Name", [opp()])


def test_all_or_none_rolls_back(org):
    results = org.insert("Opportunity", [opp("x"), {"Name": "missing stage"}], all_or_none=True)
    assert codes(results[0]) == ["ALL_OR_NONE_OPERATION_ROLLED_BACK"] and codes(results[1]) == [
        "REQUIRED_FIELD_MISSING"
    ]
    assert org.count("Opportunity") == 0


def test_update_and_delete(org, clock):
    rid = org.insert("Opportunity", [opp()])[0].id
    clock.advance(hours=1)
    assert org.update("Opportunity", [{"Id": rid, "StageName": "Closed Lost"}])[0].success
    row = org.retrieve("Opportunity", rid, ["IsClosed", "IsWon", "LastModifiedDate", "CreatedDate"])
    assert row["IsClosed"] and not row["IsWon"] and row["LastModifiedDate"] > row["CreatedDate"]
    assert org.delete("Opportunity", [rid])[0].success
    assert codes(org.delete("Opportunity", [rid])[0]) == ["ENTITY_IS_DELETED"]
    assert codes(org.update("Opportunity", [{"Id": rid, "Name": "x"}])[0]) == ["ENTITY_IS_DELETED"]


def test_batch_limit(org):
    with pytest.raises(OrgError, match="at most 200"):
        org.insert("Account", [{"Name": str(i)} for i in range(201)])


def test_text_length_and_currency_scale(org):
    r = org.insert("Account", [{"Name": "x" * 256}])[0]
    assert codes(r) == ["STRING_TOO_LONG"]
    rid = org.insert("Opportunity", [opp(amount="10.005")])[0].id
    assert org.retrieve("Opportunity", rid, ["Amount"])["Amount"] == Decimal("10.01")


def test_file_database_persists_data_and_metadata(tmp_path, clock):
    from orgsim import Org

    src = tmp_path / "src"
    field(src, "Opportunity", "Note__c", "<label>Note</label><length>20</length><type>Text</type>")
    db = tmp_path / "org.sqlite3"
    org = Org.open(db, clock=clock)
    org.deploy_source(src)
    rid = org.insert("Opportunity", [opp(Note__c="kept")])[0].id
    org.close()
    again = Org.open(db)
    assert again.retrieve("Opportunity", rid, ["Note__c"])["Note__c"] == "kept"
    assert again.store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def test_default_database_lives_in_the_state_folder(tmp_path, monkeypatch):
    from orgsim import Org

    monkeypatch.setenv("SFPAY_STATE_DIR", str(tmp_path / "state"))
    org = Org.open()
    org.insert("Account", [{"Name": "x"}])
    org.close()
    assert (tmp_path / "state" / "orgsim" / "org.sqlite3").is_file()
