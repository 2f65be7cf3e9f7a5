"""stripesim's one compact encoder writes exactly what `json.dumps(obj, separators=(",", ":"))`
wrote before it (stored documents and API answers keep their text, byte for byte)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from stripesim.storage import dumps

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=25,
)


@given(JSON)
def test_dumps_is_json_dumps_compact(value: object) -> None:
    assert dumps(value) == json.dumps(value, separators=(",", ":"))
