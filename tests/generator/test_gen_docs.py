"""docs/generator.md documents every spec key (so the reference cannot silently fall behind)."""

from __future__ import annotations

import re
import typing

from pydantic import BaseModel

from generator.spec.model import Spec
from sfpay.paths import PROJECT_ROOT


def _keys(model: type[BaseModel]) -> set[str]:
    names = set()
    for name, field in model.model_fields.items():
        names.add(name)
        for candidate in (field.annotation, *typing.get_args(field.annotation)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                names |= _keys(candidate)
    return names


def test_every_spec_key_is_documented():
    doc = (PROJECT_ROOT / "docs" / "generator.md").read_text(encoding="utf-8")
    reference = doc[doc.index("## Spec reference") :]
    missing = sorted(k for k in _keys(Spec) if not re.search(rf"[`.]{re.escape(k)}[`.\s\[]", reference))
    assert not missing, f"undocumented spec keys: {missing}"
