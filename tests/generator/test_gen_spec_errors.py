"""Bad specs: every problem, with file, line, key path and what was expected, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.spec import load_spec

BAD_SPECS = sorted((Path(__file__).parent / "bad_specs").glob("*.yml"))


@pytest.mark.parametrize("spec_path", BAD_SPECS, ids=[p.stem for p in BAD_SPECS])
def test_bad_spec_reports_exactly_the_expected_problems(spec_path):
    expected = spec_path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    with pytest.raises(SpecError) as info:
        load_spec(spec_path)
    got = [str(p).replace(f"{spec_path}:", "FILE:", 1) for p in info.value.problems]
    assert got == expected


def test_corpus_is_not_empty():
    assert len(BAD_SPECS) >= 6


def test_missing_file_is_a_spec_error(tmp_path):
    with pytest.raises(SpecError, match="spec file not found"):
        load_spec(tmp_path / "nope.yml")


def test_empty_file_means_all_defaults(tmp_path):
    empty = tmp_path / "empty.yml"
    empty.write_text("# nothing but defaults\n", encoding="utf-8")
    spec = load_spec(empty)
    assert spec.flows.create.api_name == "Stripe_Invoice_On_Opportunity_Create"


def test_unquoted_api_version_is_accepted(tmp_path):
    path = tmp_path / "v.yml"
    path.write_text("api_version: 65.0\n", encoding="utf-8")
    assert load_spec(path).api_version == "65.0"


def test_record_type_names_leave_room_for_flow_element_names(tmp_path):
    name = "A" * 57
    path = tmp_path / "long.yml"
    path.write_text(
        "record_types:\n  create: false\n  types:\n"
        f"    - developer_name: {name}\n      label: Long\n"
        "      reminder: {alert_name: A, alert_description: d, template_name: T, template_label: t, subject: s, body: b}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:4: record_types.types[0].developer_name: '{name}' is 57 characters; flow element names "
        "built from it would pass Salesforce's 80 (expected at most 56 characters)"
    ]


def test_unquoted_dates_and_numbers_are_read_as_text(tmp_path):
    path = tmp_path / "dates.yml"
    path.write_text("stripe:\n  api_version: 2025-04-30\n  account_name: 2024\n", encoding="utf-8")
    spec = load_spec(path)
    assert spec.stripe.api_version == "2025-04-30"
    assert spec.stripe.account_name == "2024"
