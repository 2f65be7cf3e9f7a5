"""The spec's JSON Schema, as printed by `sfpay spec schema` and committed for editors.

`specs/sfpay-spec.schema.json` is this text; the spec files point YAML editors at it with a
`# yaml-language-server: $schema=...` line, and a test keeps it equal to the model.
"""

from __future__ import annotations

import json
from typing import Any

from generator.spec.model import Spec

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_document() -> dict[str, Any]:
    document = Spec.model_json_schema()
    document["$schema"] = SCHEMA_DIALECT
    document["title"] = "sfpay spec"
    return document


def schema_text() -> str:
    return json.dumps(schema_document(), indent=2, sort_keys=True) + "\n"
