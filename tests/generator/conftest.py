"""Shared fixtures of the generator tests: the specs, their renderings, the WSDL schema."""

from __future__ import annotations

import pytest
from gen_support import DEFAULT_SPEC, EU_SPEC

from generator.render import render
from generator.spec import load_spec
from sfpay.paths import WSDL_PATH


@pytest.fixture(scope="session")
def default_spec():
    return load_spec(DEFAULT_SPEC)


@pytest.fixture(scope="session")
def eu_spec():
    return load_spec(EU_SPEC)


@pytest.fixture(scope="session")
def default_files(default_spec) -> dict[str, bytes]:
    return render(default_spec)


@pytest.fixture(scope="session")
def eu_files(eu_spec) -> dict[str, bytes]:
    return render(eu_spec)


@pytest.fixture(scope="session", params=["default", "eu"])
def rendered(request, default_files, eu_files) -> tuple[str, dict[str, bytes]]:
    return request.param, {"default": default_files, "eu": eu_files}[request.param]


@pytest.fixture(scope="session")
def wsdl_schema():
    from generator.schema.sequences import ROOT_TYPES
    from sfmeta import wsdl

    return wsdl.compile_schema(wsdl.load(WSDL_PATH).slice_text(ROOT_TYPES))
