"""Issue 13 item 4: the scenarios follow the spec, not the default client's numbers.

Runs `sfpay verify --target local --spec X` (a build of X in a temporary state folder, its own
stack) for a yen spec whose minimum amount (5,000) is above every amount the scenarios used to
hard-code, and for specs/examples/eu-three-types.yml (other fields, stages, three record types,
two reminder offsets). Every selected scenario passes or is skipped with its reason. Then a
Stripe that refuses every invoice: the scenario fails as soon as the org records the failure,
with the Sync Log's message, not after its 20 s budget.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from sfpay.paths import PROJECT_ROOT

JPY_SPEC = """\
stripe: {account_name: Yen Test Foundation}
currency: {code: jpy}
invoicing: {minimum_amount: 5000}
"""
# Amount-sensitive scenarios (their amounts used to be 100..1250) plus the fast ones around them;
# bulk-200 is the one whose old amounts (100 + i) all fell under a 5,000 minimum.
JPY_SCENARIOS = [
    "invoice-on-create",
    "ineligible-no-invoice",
    "amount-change-reissue",
    "paid-card-visa",
    "stripe-outage-recovery",
    "bulk-200",
    "payer-without-email",
    "invoice-sent-to-payer",
    "reissue-fails-midway",
    "deleted-customer",
    "reminder-unpaid",  # checks each reminder shows the invoiced amount as "JPY 5,000"
]
EU_SCENARIOS = [
    "invoice-on-create",
    "ineligible-no-invoice",
    "declined-then-paid",
    "reminder-unpaid",
    "no-reminder-when-paid",
    "invoice-sent-to-payer",
]


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sfpay-state")
    previous = os.environ.get("SFPAY_STATE_DIR")
    os.environ["SFPAY_STATE_DIR"] = str(folder)
    try:
        yield folder
    finally:
        subprocess.run(
            [sys.executable, "-m", "sfpay", "local", "down"], cwd=PROJECT_ROOT, capture_output=True, timeout=60
        )
        if previous is None:
            os.environ.pop("SFPAY_STATE_DIR", None)
        else:
            os.environ["SFPAY_STATE_DIR"] = previous


@pytest.fixture(scope="module")
def jpy_spec(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("specs") / "yen-min5000.yml"
    path.write_text(JPY_SPEC)
    return path


def verify(spec: Path, names: list[str], reports: Path, *extra: str) -> tuple[subprocess.CompletedProcess, float]:
    only = [arg for name in names for arg in ("--only", name)]
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sfpay",
            "verify",
            "--target",
            "local",
            "--spec",
            str(spec),
            *only,
            "--report-dir",
            str(reports),
            *extra,
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        # No Chromium for the report's screenshots (seconds of CPU per run): these runs check the
        # scenarios' outcomes; tests/harness/test_verify_local.py's full run takes the screenshots.
        env={**os.environ, "COLUMNS": "200", "SFPAY_CHROMIUM": "/nonexistent/chromium"},
    )
    return result, time.monotonic() - started


def outcomes(reports: Path) -> dict[str, tuple[str, str]]:
    """testcase name -> (passed/failure/error/skipped, message)."""
    found = {}
    for case in etree.parse(str(reports / "junit.xml")).getroot().iter("testcase"):
        kinds = [child for child in case if child.tag in ("failure", "error", "skipped")]
        found[case.get("name")] = (kinds[0].tag, kinds[0].get("message") or "") if kinds else ("passed", "")
    return found


def assert_pass_or_skip_with_reason(result: subprocess.CompletedProcess, reports: Path, names: list[str]) -> None:
    found = outcomes(reports)
    assert len(found) == len(names), result.stderr[-4000:]
    bad = {name: outcome for name, outcome in found.items() if outcome[0] not in ("passed", "skipped")}
    assert not bad, f"{bad}\n{result.stderr[-4000:]}"
    assert all(message for kind, message in found.values() if kind == "skipped")
    assert result.returncode == 0, result.stderr[-4000:]


@pytest.fixture(scope="module")
def jpy_run(state, jpy_spec, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """The yen spec's verify run: it builds the spec, starts its stack and deploys the build,
    which the failure test below runs on with `--no-deploy` (a fixture rather than the order of
    the tests: under `pytest -n` that test may run on another worker)."""
    reports = tmp_path_factory.mktemp("jpy")
    result, _ = verify(jpy_spec, JPY_SCENARIOS, reports)
    return result, reports


def test_scenarios_under_a_yen_spec_with_a_high_minimum(jpy_run):
    result, reports = jpy_run
    assert_pass_or_skip_with_reason(result, reports, JPY_SCENARIOS)
    found = outcomes(reports)
    assert found["13-bulk-200"][0] == "passed"
    assert found["10-reminder-unpaid"][0] == "passed", found["10-reminder-unpaid"]
    markdown = (reports / "signoff.md").read_text()
    # Money in the payer's terms: yen without a minor unit, never "5150.00 JPY".
    assert "JPY 5,150" in markdown and "5150.00" not in markdown and ".00 JPY" not in markdown


def test_a_failure_reported_by_the_org_fails_the_scenario_at_once(state, jpy_spec, jpy_run, tmp_path):
    from harness.stack import current_project, local_up
    from stripesim.running import SimAdmin

    details, _ = local_up(current_project(jpy_spec))  # the running stack jpy_run deployed to
    admin = SimAdmin(details.api_base, details.api_key)
    admin.add_fault(
        method="POST",
        path="/v1/invoices",
        fault="error",
        status=400,
        count=1000,
        message="sfpay test: Stripe refuses every invoice",
    )
    try:
        reports = tmp_path / "failing"
        result, _ = verify(jpy_spec, ["invoice-on-create"], reports, "--no-deploy")
    finally:
        admin.clear_faults()
    assert result.returncode == 1
    kind, message = outcomes(reports)["01-invoice-on-create"]
    assert kind == "failure", message
    assert "the org reported a failure" in message and "Sync Log" in message, message
    assert "sfpay test: Stripe refuses every invoice" in message, message
    # The scenario's own time (the report's), not the whole command's: on a loaded machine the
    # process start-up alone can take seconds, and the budget below is the scenario's.
    case = next(etree.parse(str(reports / "junit.xml")).getroot().iter("testcase"))
    seconds = float(case.get("time"))
    assert seconds < 15, f"took {seconds:.1f} s: waited out the 20 s budget instead of failing on the Sync Log"


def test_scenarios_under_the_eu_example_spec(state, tmp_path):
    """The example as it is deploys Draft flows (every scenario then skips with that reason, see
    test_registry); here with its flows active, so the scenarios have automation to verify."""
    text = (PROJECT_ROOT / "specs" / "examples" / "eu-three-types.yml").read_text()
    assert "\n  status: Draft\n" in text
    spec = tmp_path / "eu-three-types-active.yml"
    spec.write_text(text.replace("\n  status: Draft\n", "\n  status: Active\n"))
    reports = tmp_path / "eu"
    result, _ = verify(spec, EU_SCENARIOS, reports)
    assert_pass_or_skip_with_reason(result, reports, EU_SCENARIOS)
    assert "EUR " in (reports / "signoff.md").read_text()
