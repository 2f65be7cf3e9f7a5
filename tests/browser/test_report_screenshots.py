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


def test_screenshots_are_taken_while_the_later_scenarios_run(browser, stripe_sim, tmp_path, monkeypatch):
    """`sfpay verify`/`sfpay demo` start Chromium once the scenarios whose pages it shows have
    finished (the first ones of the suite), not after the whole run: the pages are done while a
    later scenario still runs, and the result is what a capture after the run gives."""
    import threading
    import time

    from harness.reporting.screenshots import CaptureDuringRun

    monkeypatch.setenv("SFPAY_CHROMIUM", str(CHROMIUM))
    client = stripe_sim.stripe_client()
    url = open_invoice(client, [(4100, "Gala table")], currency="usd").hosted_invoice_url
    names = ["invoice-on-create", "paid-card-visa", "declined-then-paid", "bulk-200"]
    screenshots = CaptureDuringRun(names, tmp_path / "shots", secrets=[])
    for number, name in enumerate(names[:3], start=1):
        screenshots.on_result(_result(name, number, url))
    # "bulk-200" is still running: the screenshots go on meanwhile.
    deadline = time.monotonic() + 60
    while any(t.name == "sfpay-screenshots-during-run" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the screenshots did not finish while the run went on"
        time.sleep(0.05)
    assert len(list((tmp_path / "shots").glob("*.png"))) == 4  # taken before the run ended
    screenshots.on_result(_result("bulk-200", 4, url))
    shots = screenshots.finish()
    assert [p.name for p in shots.paths] == [
        "01-hosted-invoice-page-open.png",
        "02-hosted-invoice-page-paid.png",
        "03-hosted-invoice-page-paid-after-a-decline.png",
        "04-hosted-invoice-page-open-phone.png",
    ]
