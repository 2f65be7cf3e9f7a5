"""Fixtures for the generated flows' behaviour tests: the REAL generated force-app/ deployed into
an in-memory orgsim org connected to an in-process stripesim (issue 12)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from orgsim import Clock, Org, StripeConfig
from sfpay.paths import PROJECT_ROOT

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def sim():
    stripesim = pytest.importorskip("stripesim")
    with stripesim.start_sim(stripesim.SimConfig()) as running:
        yield running


def open_org(sim, root: Path) -> Org:
    org = Org.open(":memory:", clock=Clock(START), stripe=StripeConfig(api_base=sim.base_url, api_key=sim.api_key))
    org.deploy_source(root)
    return org


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
