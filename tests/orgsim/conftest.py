"""Fixtures for the org emulator tests.

`sim` starts the stripesim emulator in-process on a free loopback port (skipped until the
stripesim package is part of the checkout); `generated` deploys the REAL generated force-app/
(the project root's, or ORGSIM_TEST_FORCE_APP) into an in-memory org connected to it -- minus the
two constructs orgsim refuses since issue 12 (see orgsim_helpers.loadable_force_app).
"""

from __future__ import annotations

import datetime as dt

import pytest
from orgsim_helpers import generated_root, loadable_force_app

from orgsim import Clock, Org, StripeConfig

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def org(clock) -> Org:
    org = Org.open(":memory:", clock=clock)
    yield org
    org.close()


@pytest.fixture
def sim():
    import stripesim

    with stripesim.start_sim(stripesim.SimConfig()) as running:
        yield running


@pytest.fixture
def generated(sim, clock, tmp_path_factory):
    root = generated_root()
    if not (root / "force-app" / "main" / "default" / "flows").is_dir():
        pytest.skip(f"no generated force-app/ under {root} yet (generator issue)")
    org = Org.open(":memory:", clock=clock, stripe=StripeConfig(api_base=sim.base_url, api_key=sim.api_key))
    org.deploy_source(loadable_force_app(root, tmp_path_factory.mktemp("generated")))
    yield org
    org.close()


def pytest_configure(config):
    # The stripe SDK's httpx transport passes bytes as `data=`; httpx warns about it on every request.
    config.addinivalue_line("filterwarnings", "ignore:Use 'content=<...>' to upload raw bytes:DeprecationWarning")
