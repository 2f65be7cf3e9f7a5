"""Property tests of the spec loader (issue 14): whatever the bytes, `load_spec` returns a Spec
or raises SpecError whose problems carry a line inside the file; never another exception,
never a hang. The budget is bounded (max_examples, deadline) so CI stays fast.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.errors import SpecError
from generator.spec import load_spec

FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

KEYS = [
    "api_version",
    "stripe",
    "account_name",
    "currency",
    "code",
    "exponent",
    "events",
    "invoice.paid",
    "fields",
    "payment_status",
    "values",
    "api_name",
    "record_types",
    "types",
    "developer_name",
    "flows",
    "customer_id_field",
    "reminders",
    "offsets",
    "recipients",
    "type",
    "field",
    "sender",
    "address",
]
SCALARS = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.sampled_from(
        [
            "usd",
            "zzz",
            "66.0",
            "2025-04-30",
            "2025-02-30",
            "Paid",
            "paid",
            "  ",
            "Name",
            "Stripe_ID__c\n",
            "&a",
            "*a",
            "{!$Record.Name}",
            "\x01",
            "\ufffe",
        ]
    ),
)
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def _yaml_lines(data: bytes) -> int:
    """Lines as YAML counts them: a CR alone ends a line too (YAML 1.2.2, 5.4 "Line Break
    Characters", https://yaml.org/spec/1.2.2/#54-line-break-characters), and ruamel's reader
    also ends one at NEL, LS and PS; an editor shows a CR then `@` as two lines."""
    return len(re.split("\r\n|[\n\r\x85\u2028\u2029]", data.decode("utf-8", errors="replace")))


def _check(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spec.yml"
        path.write_bytes(data)
        try:
            load_spec(path)
        except SpecError as exc:
            lines = _yaml_lines(data)
            for problem in exc.problems:
                assert 0 <= problem.line <= lines, problem
                assert problem.message


@FUZZ
@given(st.binary(max_size=400))
@example(b"\r@")  # found by hypothesis: the error is on line 2, after a lone CR
def test_arbitrary_bytes(data: bytes) -> None:
    _check(data)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab: -[]{}&*!|>'\"#\n\t,?%@`\x00\x01\x0b\ufffe\u00e9")), max_size=200))
def test_yaml_punctuation(text: str) -> None:
    _check(text.encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(TREES)
def test_spec_shaped_documents(tree) -> None:
    import json

    # JSON is YAML: every generated tree is a syntactically valid document of spec-like keys.
    _check(json.dumps({"stripe": tree, "fields": tree} if isinstance(tree, dict) else {"currency": tree}).encode())


@FUZZ
@given(st.integers(min_value=1, max_value=12), st.integers(min_value=2, max_value=12))
def test_alias_fan_out_is_bounded(levels: int, width: int) -> None:
    text = 'a0: &a0 ["x"]\n'
    for i in range(1, levels):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]\n"
    _check(text.encode())
