from hypothesis import given
from hypothesis import strategies as st

from orgsim.storage.ids import BASE62, make_id, normalize_id, to18


def test_known_checksum():
    # The widely published example of the 15 -> 18 character conversion.
    assert to18("001A0000006Vm9r") == "001A0000006Vm9rIAC"


@given(st.text(alphabet=BASE62, min_size=15, max_size=15))
def test_suffix_depends_only_on_case_pattern(id15):
    id18 = to18(id15)
    assert id18[:15] == id15 and len(id18) == 18
    # Same letters in another case give another suffix unless no letter changed case.
    swapped = id15.swapcase()
    if swapped != id15:
        assert to18(swapped)[15:] != id18[15:]
    # The 18-character form is case-insensitively unique: upper-casing loses nothing.
    assert normalize_id(id18.upper()) is None or id18.upper() == id18


@given(st.integers(min_value=0, max_value=10**12))
def test_make_id_prefix_and_roundtrip(seq):
    rid = make_id("006", seq)
    assert rid.startswith("006") and len(rid) == 18
    assert normalize_id(rid[:15]) == rid
    assert normalize_id(rid) == rid


def test_normalize_rejects_bad_checksum_and_shape():
    rid = make_id("001", 42)
    assert normalize_id(rid[:15] + "ZZZ") is None
    assert normalize_id("not-an-id") is None


def test_each_org_hands_out_its_own_ids(tmp_path):
    from orgsim import Org

    first, second = Org.open(":memory:"), Org.open(":memory:")
    a = first.insert("Account", [{"Name": "x"}])[0].id
    b = second.insert("Account", [{"Name": "x"}])[0].id
    assert a != b and a[:3] == b[:3] == "001"
    db = tmp_path / "org.sqlite3"
    org = Org.open(db)
    one = org.insert("Account", [{"Name": "x"}])[0].id
    org.close()
    again = Org.open(db)
    two = again.insert("Account", [{"Name": "y"}])[0].id
    assert one[3:7] == two[3:7] and one != two  # same org, same tag, next number
    again.close()
