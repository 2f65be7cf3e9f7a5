"""Paths and helpers shared by the generator tests (a uniquely named module: test files
import from here, never from `conftest`, which other test packages also have)."""

from __future__ import annotations

from pathlib import Path

from sfpay.paths import PROJECT_ROOT

DEFAULT_SPEC = PROJECT_ROOT / "specs" / "ct-nonprofit.yml"
EU_SPEC = PROJECT_ROOT / "specs" / "examples" / "eu-three-types.yml"
FORCE_APP = PROJECT_ROOT / "force-app"
SPECS = {"default": DEFAULT_SPEC, "eu": EU_SPEC}


def flows_of(files: dict[str, bytes]) -> dict[str, bytes]:
    return {Path(p).name.removesuffix(".flow-meta.xml"): d for p, d in files.items() if p.endswith(".flow-meta.xml")}
