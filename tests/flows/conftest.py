"""Fixtures for the generated flows' behaviour tests: the REAL generated force-app/ deployed into
an in-memory orgsim org connected to an in-process stripesim (issue 12)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flows_world import open_org

from sfpay.paths import PROJECT_ROOT


@pytest.fixture
def sim():
    import stripesim

    with stripesim.start_sim(stripesim.SimConfig()) as running:
        yield running


@pytest.fixture
def org(sim):
    # FLOWS_TEST_PROJECT: run the same tests against another generated project (e.g. the flows
    # before issue 12, to see them fail).
    org = open_org(sim, Path(os.environ.get("FLOWS_TEST_PROJECT", PROJECT_ROOT)))
    yield org
    org.close()


@pytest.fixture
def stripe_client(sim):
    return sim.stripe_client()


def pytest_configure(config):
    config.addinivalue_line("filterwarnings", "ignore:Use 'content=<...>' to upload raw bytes:DeprecationWarning")
