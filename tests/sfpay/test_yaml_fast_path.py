"""libyaml's fast reading (`sfpay.yaml_input.load_plain`) gives exactly the values ruamel's
round-trip reading gives, or leaves the document to ruamel (issue 17: the spec is read with
libyaml on the common path, with ruamel only when a problem needs its line).

Values are compared with their types (1 is not 1.0 is not true), over every shipped and test
spec, scalars whose reading differs between YAML 1.1 and 1.2, and generated documents.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.spec.loader import _plain
from sfpay.yaml_input import UNSUPPORTED, YamlInputError, load, load_plain

ROOT = Path(__file__).resolve().parents[2]


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(k1, k2) for k1, k2 in zip(a, b)) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b


def _ruamel(text: str) -> Any:
    return _plain(load(text))


def check(text: str) -> Any:
    """The fast reading of `text`, after holding it to ruamel's; UNSUPPORTED when left to ruamel."""
    try:
        fast = load_plain(text)
    except YamlInputError as fast_error:
        with pytest.raises(YamlInputError) as slow_error:
            load(text)
        assert (fast_error.line, fast_error.message) == (slow_error.value.line, slow_error.value.message)
        return UNSUPPORTED
    if fast is UNSUPPORTED:
        return fast
    try:
        slow = _ruamel(text)
    except YamlInputError as exc:
        pytest.fail(f"libyaml read {text!r} as {fast!r}; ruamel refuses it: {exc.message}")
    assert _same(fast, slow), (text, fast, slow)
    return fast


SPECS = sorted(
    [*ROOT.glob("specs/*.yml"), *ROOT.glob("tests/generator/bad_specs/*.yml"), *ROOT.glob("tests/**/*.yaml")]
    + sorted(ROOT.glob("tests/generator/hostile_specs/*.yml"))
)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_spec_reads_the_same(path: Path) -> None:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    check(text)


def test_the_default_spec_takes_the_fast_path() -> None:
    text = (ROOT / "specs" / "ct-nonprofit.yml").read_text(encoding="utf-8")
    assert check(text) is not UNSUPPORTED


SCALARS = [
    # YAML 1.1 booleans and nulls that YAML 1.2 reads as text
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "NO",
    "On",
    "OFF",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "tRue",
    "null",
    "Null",
    "NULL",
    "~",
    "",
    "nULL",
    "nil",
    "None",
    "~x",
    # numbers in every form
    "0",
    "-0",
    "+0",
    "7",
    "-7",
    "+7",
    "007",
    "0777",
    "08",
    "09",
    "1_000",
    "0x1F",
    "0X1F",
    "0o17",
    "0b101",
    "0.0",
    "-0.0",
    "1.",
    "1.5",
    "-1.5",
    "+1.5",
    ".5",
    "-.5",
    "1e3",
    "1E3",
    "1.0e+3",
    "1.0e-3",
    "6.6e1",
    ".inf",
    "-.inf",
    "+.Inf",
    ".nan",
    ".NaN",
    "1:20",
    "1:20:30.5",
    "66.0",
    "66.00",
    "66",
    "1__0",
    "_",
    "1.2.3",
    "12abc",
    "-",
    "--",
    "+",
    ".",
    "..",
    "-x",
    "+x",
    ".x",
    "0x",
    "0o",
    "0b",
    "1_",
    "=",
    "==",
    "<<",
    "<x",
    # dates and times
    "2025-04-30",
    "2025-4-3",
    "2025-02-30",
    "2025-04-30T10:00:00",
    "2025-04-30 10:00:00Z",
    "20250430",
    "2025-04-30x",
    "1999-99-99",
    # text that looks like something
    "Closed Won",
    "Proposal/Price Quote",
    "invoice.paid",
    "a: b",
    "a #b",
    "a#b",
    "http://x",
    "@x",
    "`x",
    "%x",
    "!x",
    "&x",
    "*x",
    "|",
    ">",
    "?x",
    "- x",
    "[x]",
    "{x}",
    "x,y",
    "'x'",
    '"x"',
    "\\x",
    "tab\there",
    "ünïcödé",
    "日本",
    "\U0001f600",
]


@pytest.mark.parametrize("scalar", SCALARS)
def test_scalars_read_the_same(scalar: str) -> None:
    for text in (
        f"key: {scalar}\n",
        f"- {scalar}\n",
        f"key: [{scalar}]\n",
        f"key: {{k: {scalar}}}\n",
        f"{scalar}: value\n",
        f'key: "{scalar}"\n',
        f"key: '{scalar}'\n",
        f"key: |\n  {scalar}\n",
        f"key: >\n  {scalar}\n  {scalar}\n",
        f"key:\n  {scalar}\n  {scalar}\n",
    ):
        check(text)


def test_documents_left_to_ruamel() -> None:
    for text in (
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "base: &b {x: 1}\nc:\n  <<: *b\n",  # merge key
        "%YAML 1.1\n---\na: yes\n",  # a directive changes the schema
        "a: !!str 1\n",  # explicit tags
        "a: 1\na: 2\n",  # duplicate key: ruamel's error
        "a: 1\n---\nb: 2\n",  # two documents
        "a: [1\n",  # syntax error: ruamel's message and line
        "? [a]\n: b\n",  # a collection as key
        "a: b\u2028c\n",  # a YAML 1.1 line break
    ):
        assert check(text) is UNSUPPORTED, text


def test_nesting_past_the_limit_is_left_to_ruamel() -> None:
    assert check("[" * 65 + "]" * 65) is UNSUPPORTED
    assert check("[" * 20000) is UNSUPPORTED


TOKENS = st.sampled_from(
    [
        "a",
        "b",
        "x y",
        "1",
        "-1",
        "0.5",
        "1e3",
        "true",
        "no",
        "~",
        "null",
        "2025-04-30",
        "0x1",
        "'q'",
        '"d\\n"',
        ":",
        ": ",
        ", ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        "#c",
        "\n",
        "\n  ",
        "\n    ",
        "?",
        "&a ",
        "*a",
        "!",
        "|",
        ">",
        "\t",
        "%",
        "@",
        "`",
        "<<",
        "=",
        "\r\n",
        " ",
    ]
)


@settings(max_examples=400, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=30).map("".join))
def test_generated_documents_read_the_same(text: str) -> None:
    check(text)


def test_the_validators_data_file_reads_as_ruamels_safe_loader_reads_it() -> None:
    """validator.cache.yaml_as_json reads known_fields.yml with libyaml, formerly ruamel's safe loader."""
    from ruamel.yaml import YAML

    text = (ROOT / "validator" / "data" / "known_fields.yml").read_text(encoding="utf-8")
    fast = load_plain(text)
    assert fast is not UNSUPPORTED
    assert _same(fast, _plain(YAML(typ="safe").load(text)))
