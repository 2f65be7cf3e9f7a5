"""`sfpay verify`'s screenshots: the run's hosted invoice pages, taken in Chromium and shown in
the sign-off report (harness.reporting.screenshots); a page showing a secret is left out."""

from __future__ import annotations

from harness.reporting.screenshots import capture
from harness.reporting.signoff import write_reports
from harness.results import Evidence, Outcome, RunSummary, ScenarioResult
from tests.browser.conftest import CHROMIUM
from tests.stripesim.test_hosted_page import open_invoice


def _result(name: str, number: int, url: str) -> ScenarioResult:
    return ScenarioResult(
        name, number, name, Outcome.PASSED, "ok", 0.1, evidence=[Evidence("stripe", "Invoice", "in_x", url)]
    )


def test_verify_report_shows_the_hosted_invoice_pages(browser, stripe_sim, tmp_path, monkeypatch):
    monkeypatch.setenv("SFPAY_CHROMIUM", str(CHROMIUM))
    client = stripe_sim.stripe_client()
    open_one = open_invoice(client, [(6200, "Gala table")], currency="jpy")
    paid = open_invoice(client, [(123450, "Gala table")], currency="usd")
    client.v1.invoices.pay(paid.id, {"payment_method": "pm_card_visa"})
    summary = RunSummary(
        "local",
        "local stack",
        "2026-12-01T00:00:00+00:00",
        1.0,
        [
            _result("invoice-on-create", 1, open_one.hosted_invoice_url),
            _result("paid-card-visa", 6, paid.hosted_invoice_url),
        ],
    )
    shots = capture(summary, tmp_path / "shots", secrets=["sk_test_never_shown"])
    names = [p.name for p in shots.paths]
    assert names == [
        "01-hosted-invoice-page-open.png",
        "02-hosted-invoice-page-paid.png",
        "03-hosted-invoice-page-open-phone.png",
    ]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in shots.paths)
    paths = write_reports(summary, tmp_path / "run", ["sk_test_never_shown"], shots.paths, shots.notes)
    assert "](screenshots/02-hosted-invoice-page-paid.png)" in paths.markdown.read_text()
    assert (paths.directory / "screenshots" / "03-hosted-invoice-page-open-phone.png").is_file()

    # The merchant name stands in for a secret the page shows: that screenshot is left out.
    leaky = capture(summary, tmp_path / "leaky", secrets=["Acme Foundation"])
    assert leaky.paths == [] and any("showed a secret" in note for note in leaky.notes)
