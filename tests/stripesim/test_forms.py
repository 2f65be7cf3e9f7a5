"""Form decoding with Stripe's bracket notation."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stripesim.errors import ParamError
from stripesim.http.forms import decode


def test_nested_hashes_and_lists():
    body = (
        "email=a%40example.org&metadata[order]=42&metadata[note]=&expand[]=customer&expand[]=test_clock"
        "&enabled_events[0]=invoice.paid&enabled_events[1]=invoice.voided&invoice_settings[a][b]=c"
    )
    assert decode(body) == {
        "email": "a@example.org",
        "metadata": {"order": "42", "note": ""},
        "expand": ["customer", "test_clock"],
        "enabled_events": ["invoice.paid", "invoice.voided"],
        "invoice_settings": {"a": {"b": "c"}},
    }


def test_indexed_lists_are_ordered_by_index():
    assert decode("x[1]=b&x[0]=a&x[10]=c") == {"x": ["a", "b", "c"]}


def test_list_of_hashes():
    assert decode("items[0][price]=p1&items[0][quantity]=2&items[1][price]=p2") == {
        "items": [{"price": "p1", "quantity": "2"}, {"price": "p2"}]
    }


@pytest.mark.parametrize("body", ["a=1&a[b]=2", "a[b]=1&a=2", "a[]=1&a[b]=2", "[x]=1", "a[b=1", "a[][b]=1"])
def test_conflicting_or_malformed_keys_are_errors(body):
    with pytest.raises(ParamError) as caught:
        decode(body)
    assert caught.value.param


def test_empty_body():
    assert decode(b"") == {}


def test_non_utf8_body_is_a_clear_error():
    with pytest.raises(ParamError, match="not UTF-8"):
        decode(b"email=\xff\xfe")


def _sdk_encode(params: dict) -> str:
    """Encode as the stripe SDK does on the wire (its own encoder, brackets left readable)."""
    from stripe._encode import _api_encode

    return urlencode(list(_api_encode(params))).replace("%5B", "[").replace("%5D", "]")


_keys = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)
_values = st.recursive(
    st.text(max_size=12),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=4),
        st.dictionaries(_keys, children, min_size=1, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=5))
def test_decoding_inverts_the_sdk_encoder(params):
    assert decode(_sdk_encode(params)) == params
