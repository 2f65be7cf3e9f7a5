"""The sign-off report in Chromium: landmarks, links to records and invoices, phone width, axe, screenshots."""

from __future__ import annotations

from pathlib import Path

from harness.reporting.signoff import write_reports
from harness.results import Evidence, Outcome, RunSummary, ScenarioResult, Timing, Transition
from tests.browser.conftest import axe_violations, horizontal_overflow

OPP = "006000000000001AAA"
INVOICE_URL = "http://127.0.0.1:12111/i/acct_1/test_abc"


def summary() -> RunSummary:
    passed = ScenarioResult(
        name="invoice-on-create",
        number=1,
        title="Invoice on create",
        outcome=Outcome.PASSED,
        reason="in_1 open for $1,250.00",
        duration_seconds=0.8,
        evidence=[
            Evidence("salesforce", "Opportunity", OPP, f"https://127.0.0.1:8443/lightning/r/Opportunity/{OPP}/view"),
            Evidence("stripe", "Invoice", "in_1", INVOICE_URL),
        ],
        transitions=[Transition(OPP, "Stripe_Payment_Status__c", None, "Open", 0.5)],
        timings=[Timing("create -> invoice id on the Opportunity", 0.61)],
    )
    skipped = ScenarioResult(
        name="bulk-200",
        number=13,
        title="200 Opportunities in one call",
        outcome=Outcome.SKIPPED,
        reason="minimum_amount above the scenario's amounts",
        duration_seconds=0.0,
    )
    return RunSummary(
        target="local",
        target_description="local stack (orgsim + stripesim)",
        started_at="2026-11-27T04:00:00+00:00",
        duration_seconds=3.2,
        results=[passed, skipped],
        environment=[Evidence("stripe", "Webhook endpoint", "we_123")],
    )


def test_signoff_report_in_a_browser(page, phone, screenshots, tmp_path):
    shots = sorted(Path(screenshots).glob("*.png"))
    paths = write_reports(summary(), tmp_path / "report", secrets=[], screenshots=shots)
    page.goto(paths.html.as_uri())
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("link", name=OPP).get_attribute("href").endswith(f"/Opportunity/{OPP}/view")
    assert page.get_by_role("link", name="in_1").get_attribute("href") == INVOICE_URL
    for image in page.locator("img").all():  # screenshots load from the report folder
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle())
    assert axe_violations(page) == []
    phone.goto(paths.html.as_uri())
    assert horizontal_overflow(phone) == 0
    phone.screenshot(path=str(Path(screenshots) / "90-signoff-report-phone.png"), full_page=True)
