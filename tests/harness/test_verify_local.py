"""`sfpay verify --target local` end to end: a fresh local stack, the CumulusCI deploy, all
nineteen scenarios, and the reports rendered from that real run.

This is the CI run of the scenarios (it needs the whole stack: generator, orgsim, stripesim,
pipeline). It starts its own stack in a temporary state folder and stops it afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading

import httpx
import pytest
from lxml import etree

from harness.scenario import all_scenarios
from harness.stack import local_up, sfpay
from sfpay.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    state = tmp_path_factory.mktemp("sfpay-state")
    previous = os.environ.get("SFPAY_STATE_DIR")
    os.environ["SFPAY_STATE_DIR"] = str(state)
    try:
        details, _ = local_up()
        assert details.jwt_key_file, "`sfpay local up` did not register the local org with CumulusCI"
        yield details
    finally:
        sfpay(["local", "down"], timeout=60)
        if previous is None:
            os.environ.pop("SFPAY_STATE_DIR", None)
        else:
            os.environ["SFPAY_STATE_DIR"] = previous


@pytest.fixture(scope="module")
def run(stack, tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports") / "verify-local"
    result = subprocess.run(
        [sys.executable, "-m", "sfpay", "verify", "--target", "local", "--report-dir", str(reports)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "200"},
    )
    return result, reports


def test_all_nineteen_scenarios_pass(run):
    result, reports = run
    assert result.returncode == 0, result.stderr[-6000:]
    suite = etree.parse(str(reports / "junit.xml")).getroot()
    assert suite.get("tests") == "23"
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("0", "0", "0"), result.stderr[-6000:]
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names == [f"{cls.number:02d}-{cls.name}" for cls in all_scenarios()]


def test_report_carries_the_evidence_of_the_real_run(run):
    _, reports = run
    data = json.loads((reports / "results.json").read_text())
    by_name = {r["name"]: r for r in data["results"]}
    first = by_name["invoice-on-create"]
    values = [e["value"] for e in first["evidence"]]
    assert any(v.startswith("006") for v in values)  # the Opportunity id
    assert any(v.startswith("in_") for v in values)  # the Stripe invoice id
    assert any(v.startswith("cus_") for v in values)  # the Stripe customer id
    paid = by_name["paid-card-visa"]
    assert [(t["before"], t["after"]) for t in paid["transitions"] if t["field"].endswith("Payment_Status__c")] == [
        ("Open", "Paid")
    ]
    assert any(t["label"].startswith("payment -> Paid") for t in paid["timings"])
    # Governor headroom per flow (issue 17, item 4): the peak of one transaction against the limit.
    for bulk in ("bulk-200", "mixed-batch-200"):
        headroom = {
            e["label"]: e["value"]
            for e in by_name[bulk]["evidence"]
            if e["label"].startswith("Peak of one transaction: ")
        }
        create_path = [v for label, v in headroom.items() if "On_Opportunity_Create.Stripe_Path" in label]
        assert len(create_path) == 1, headroom
        for figure in ("callouts ", "/100, SOQL queries ", "/100, DML statements ", "/150, DML rows ", "/60,000"):
            assert figure in create_path[0], create_path[0]
    markdown = (reports / "signoff.md").read_text()
    assert "**Verdict: READY for go-live**" in markdown
    assert "| 13 | Bulk: 200 Opportunities in one API call (`bulk-200`) | PASSED |" in markdown


def _text_files(reports):
    """Every file a run wrote, in every folder, except the screenshots (PNG): those are left
    out when their page's text shows a secret (tests/browser/test_report_screenshots.py)."""
    files = [p for p in sorted(reports.rglob("*")) if p.is_file() and p.suffix != ".png"]
    assert files, f"no report files in {reports}"
    return files


def test_reports_contain_no_secret_of_the_stack(run, stack):
    _, reports = run
    for path in _text_files(reports):
        text = path.read_text()
        for secret in stack.secrets:
            assert secret not in text, f"{path.name} contains a secret"
        assert "whsec_" not in text and "sk_test_" not in text.replace("sk_test_...", "")


# For the runs that check something other than the report's screenshots: no Chromium is
# started for them (seconds of CPU each). The full run above keeps them: that is the run whose
# report a reviewer reads, and the one that shows `verify` photographs the payer's pages.
NO_SCREENSHOTS = {"SFPAY_CHROMIUM": "/nonexistent/chromium (screenshots are not what this test checks)"}


def test_only_runs_the_named_scenarios(stack, run, tmp_path):
    """`--no-deploy` runs on what the org already has: `run` (the full verify) deployed it. A
    fixture, not the order of the tests: under `pytest -n` this test may run on another worker."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sfpay",
            "verify",
            "--target",
            "local",
            "--no-deploy",
            "--only",
            "invoice-on-create",
            "--only",
            "9",
            "--report-dir",
            str(tmp_path / "r"),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200", **NO_SCREENSHOTS},
    )
    assert result.returncode == 0, result.stderr[-4000:]
    names = [c.get("name") for c in etree.parse(str(tmp_path / "r" / "junit.xml")).getroot().iter("testcase")]
    assert names == ["01-invoice-on-create", "09-forged-stale-webhook"]


def sandbox_env(stack) -> dict[str, str]:
    """The local stack posing as a sandbox + Stripe test mode (STRIPE_API_BASE: stripesim)."""
    return {
        **os.environ,
        "COLUMNS": "200",
        "STRIPE_API_KEY": stack.api_key,
        "STRIPE_API_BASE": stack.api_base,
        "SF_ACCESS_TOKEN": stack.access_token,
        "REQUESTS_CA_BUNDLE": stack.ca_bundle,
        "STRIPE_WEBHOOK_SECRET": stack.webhook_secret,
        "SFPAY_REHEARSAL_TIME_SCALE": str(TIME_SCALE),
        **NO_SCREENSHOTS,
    }


# The org's clock runs this many times faster than real time during a rehearsal; the sandbox
# target shrinks its wait budgets by the same factor (SFPAY_REHEARSAL_TIME_SCALE).
TIME_SCALE = 60


@contextlib.contextmanager
def time_passes(stack):
    """A sandbox's clock runs on its own: the Stripe work of the flows waits on a scheduled
    path a minute after each save. The sandbox target never moves the org clock (a real org
    has no such back door), so the rehearsal moves the local org's clock from outside,
    TIME_SCALE times faster than real time, instead of waiting minutes of real time."""
    stop = threading.Event()
    tick_seconds = 0.25

    def tick() -> None:
        with httpx.Client(verify=stack.ca_bundle, timeout=10) as http:
            while not stop.wait(tick_seconds):
                http.post(
                    f"{stack.instance_url}/_orgsim/clock",
                    json={"seconds": tick_seconds * TIME_SCALE},
                    headers={"Authorization": f"Bearer {stack.access_token}"},
                )

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=15)


def sandbox_verify(stack, *args: str) -> subprocess.CompletedProcess:
    with time_passes(stack):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "sfpay",
                "verify",
                "--target",
                "sandbox",
                "--instance-url",
                stack.instance_url,
                "--username",
                stack.username,
                *args,
            ],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            env=sandbox_env(stack),
        )


def test_sandbox_target_rehearsed_against_the_local_stack(stack, run, tmp_path):
    """The sandbox code path for real: token login, org check, webhook pre-flight, scenarios,
    and honest skips for what a sandbox cannot observe."""
    result = sandbox_verify(
        stack,
        "--webhook-url",
        stack.webhook_url,
        "--only",
        "invoice-on-create",
        "--only",
        "paid-card-visa",
        "--only",
        "forged-stale-webhook",
        "--only",
        "reminder-unpaid",
        "--only",
        "stripe-outage-recovery",
        "--report-dir",
        str(tmp_path / "r"),
    )
    assert result.returncode == 0, result.stderr[-4000:]
    suite = etree.parse(str(tmp_path / "r" / "junit.xml")).getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "5",
        "0",
        "0",
        "2",
    )
    skipped = {
        c.get("name"): c.find("skipped").get("message") for c in suite.iter("testcase") if c.find("skipped") is not None
    }
    assert skipped["12-stripe-outage-recovery"] == "the sandbox target does not support injecting Stripe failures"
    assert "reading the emails the org sends" in skipped["10-reminder-unpaid"]
    markdown = (tmp_path / "r" / "signoff.md").read_text()
    assert "PASSED with skipped scenarios" in markdown and "Webhook endpoint" in markdown
    for path in _text_files(tmp_path / "r"):
        for secret in stack.secrets:
            assert secret not in path.read_text()


def test_sandbox_preflight_refuses_a_listener_without_webhook_endpoint(stack, run):
    result = sandbox_verify(stack, "--webhook-url", "https://127.0.0.1:9/services/apexrest/nowhere")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "Stripe webhook endpoint is not ready: no Stripe webhook endpoint for https://127.0.0.1:9/services/apexrest/nowhere"
        in result.stderr
    )
