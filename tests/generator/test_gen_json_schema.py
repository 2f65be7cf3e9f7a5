"""The spec's JSON Schema (for editors) matches the model and accepts the shipped specs."""

from __future__ import annotations

import jsonschema
import pytest
from gen_support import SPECS
from ruamel.yaml import YAML

from generator.spec.schema_doc import schema_document, schema_text
from sfpay.paths import PROJECT_ROOT

COMMITTED = PROJECT_ROOT / "specs" / "sfpay-spec.schema.json"


def test_committed_schema_is_current():
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "run: sfpay spec schema > specs/sfpay-spec.schema.json"
    )


def _load(path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(SPECS))
def test_shipped_specs_satisfy_the_schema(name):
    jsonschema.Draft202012Validator(schema_document()).validate(_load(SPECS[name]))


def test_schema_rejects_unknown_keys_and_bad_values():
    validator = jsonschema.Draft202012Validator(schema_document())
    errors = list(validator.iter_errors({"stripe": {"namspace": "x"}, "currency": {"code": "USD"}}))
    messages = " | ".join(e.message for e in errors)
    assert "namspace" in messages and "USD" in messages
