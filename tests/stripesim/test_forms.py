"""Form decoding with Stripe's bracket notation."""

from __future__ import annotations

import pytest

from stripesim.errors import ParamError
from stripesim.http.forms import decode


def test_nested_hashes_and_lists():
    body = ("email=a%40example.org&metadata[order]=42&metadata[note]=&expand[]=customer&expand[]=test_clock"
            "&enabled_events[0]=invoice.paid&enabled_events[1]=invoice.voided&invoice_settings[a][b]=c")
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
