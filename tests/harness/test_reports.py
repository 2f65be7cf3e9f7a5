"""Sign-off report, JUnit XML and results.json rendering."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from harness.reporting.signoff import ReportLeak, render_html, render_markdown, write_reports
from harness.results import Evidence, Outcome, RunSummary, ScenarioResult, Timing, Transition

SECRET_KEY = "sk_test_" + "51Habcdefghijklmnop"
WEBHOOK_SECRET = "whsec_" + "0123456789abcdef"


def summary(*results: ScenarioResult) -> RunSummary:
    return RunSummary(
        target="local",
        target_description="local stack (orgsim + stripesim)",
        started_at="2026-11-27T04:00:00+00:00",
        duration_seconds=3.25,
        results=list(results),
        environment=[Evidence("stripe", "Webhook endpoint", "we_123")],
    )


def passed() -> ScenarioResult:
    return ScenarioResult(
        name="paid-card-visa",
        number=6,
        title="Paid with pm_card_visa: Paid and won",
        outcome=Outcome.PASSED,
        reason="in_1 paid; Opportunity Paid after 0.21 s",
        duration_seconds=0.5,
        evidence=[Evidence("salesforce", "Opportunity", "006000000000001AAA"), Evidence("stripe", "Invoice", "in_1")],
        transitions=[Transition("006000000000001AAA", "Stripe_Payment_Status__c", "Open", "Paid", 0.4)],
        timings=[Timing("payment -> Paid on the Opportunity", 0.21)],
    )


def failed() -> ScenarioResult:
    return ScenarioResult(
        name="no-duplicate-invoice",
        number=4,
        title="Unrelated edits: still one invoice",
        outcome=Outcome.FAILED,
        reason="an edit produced another invoice: 2 invoices for cus_1 | <script>alert(1)</script>",
        duration_seconds=1.0,
    )


def skipped() -> ScenarioResult:
    return ScenarioResult(
        name="stripe-outage-recovery",
        number=12,
        title="Stripe failing mid-invoicing",
        outcome=Outcome.SKIPPED,
        reason="the sandbox target does not support injecting Stripe failures",
        duration_seconds=0.0,
    )


def test_markdown_lists_every_scenario_with_its_evidence():
    text = render_markdown(summary(passed(), failed(), skipped()))
    assert "**Verdict: NOT READY: scenarios failed**" in text
    assert "| 6 | Paid with pm_card_visa: Paid and won (`paid-card-visa`) | PASSED | 0.50 s |" in text
    # A pipe in a reason must not break the table.
    assert "2 invoices for cus_1 \\| <script>" in text
    assert "| `006000000000001AAA` | Stripe_Payment_Status__c | Open | Paid | +0.400 s |" in text
    assert "| payment -> Paid on the Opportunity | 0.210 |" in text
    assert "sfpay verify --target local --only stripe-outage-recovery" in text


def test_verdicts():
    assert "READY for go-live" in render_markdown(summary(passed()))
    assert "PASSED with skipped scenarios" in render_markdown(summary(passed(), skipped()))


def test_html_escapes_what_scenarios_report():
    html = render_html(summary(passed(), failed()))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert etree.fromstring(html.encode(), etree.HTMLParser()).find(".//h1").text == "sfpay sign-off: local target"


def test_write_reports_produces_all_formats(tmp_path):
    paths = write_reports(summary(passed(), failed(), skipped()), tmp_path / "run", secrets=[SECRET_KEY])
    suite = etree.parse(str(paths.junit)).getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "3",
        "1",
        "0",
        "1",
    )
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["04-no-duplicate-invoice"].find("failure").get("message").startswith("an edit produced")
    assert cases["12-stripe-outage-recovery"].find("skipped") is not None
    assert "stripe: Invoice = in_1" in cases["06-paid-card-visa"].find("system-out").text
    data = json.loads(paths.json.read_text())
    assert data["ok"] is False and [r["outcome"] for r in data["results"]] == ["passed", "failed", "skipped"]
    assert sorted(p.name for p in paths.directory.iterdir()) == [
        "junit.xml",
        "results.json",
        "signoff.html",
        "signoff.md",
    ]


@pytest.mark.parametrize("leak", [SECRET_KEY, WEBHOOK_SECRET, "00D5g000004abcd!AQ0AQFakeSessionToken.x"])
def test_a_report_with_a_secret_is_never_written(tmp_path, leak):
    result = passed()
    result.evidence.append(Evidence("note", "leaky", f"value {leak}"))
    with pytest.raises(ReportLeak):
        write_reports(summary(result), tmp_path / "run", secrets=[SECRET_KEY])
    assert list(tmp_path.iterdir()) == []


def test_rewriting_a_report_replaces_it_whole(tmp_path):
    target = tmp_path / "run"
    write_reports(summary(passed(), failed()), target, secrets=[])
    (target / "stale.txt").write_text("old")
    write_reports(summary(passed()), target, secrets=[])
    assert not (target / "stale.txt").exists()
    assert "READY for go-live" in (target / "signoff.md").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def linked() -> ScenarioResult:
    return ScenarioResult(
        name="invoice-on-create",
        number=1,
        title="Invoice on create",
        outcome=Outcome.PASSED,
        reason="ok",
        duration_seconds=0.4,
        evidence=[
            Evidence(
                "salesforce",
                "Opportunity",
                "006000000000001AAA",
                "https://127.0.0.1:8443/lightning/r/Opportunity/006000000000001AAA/view",
            ),
            Evidence("stripe", "Invoice", "in_1", "http://127.0.0.1:12111/i/acct_1/test_abc"),
            Evidence("note", "Forged link", "x", "javascript:alert(1)"),
        ],
    )


def test_html_report_is_accessible_and_links_records_and_invoices():
    html = render_html(summary(linked(), passed()))
    root = etree.fromstring(html.encode(), etree.HTMLParser())
    assert root.get("lang") == "en"
    assert root.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
    assert len(root.xpath("//main")) == 1 and root.xpath("//main//h1")
    assert all("".join(th.itertext()).strip() for th in root.xpath("//th")), "empty header cell"
    hrefs = root.xpath("//a/@href")
    assert "https://127.0.0.1:8443/lightning/r/Opportunity/006000000000001AAA/view" in hrefs
    assert "http://127.0.0.1:12111/i/acct_1/test_abc" in hrefs
    assert not any(h.startswith("javascript:") for h in hrefs)  # only http(s) links are rendered
    markdown = render_markdown(summary(linked()))
    assert "[`in_1`](http://127.0.0.1:12111/i/acct_1/test_abc)" in markdown
    assert "javascript:" not in markdown


def test_screenshots_are_copied_into_the_report_and_shown(tmp_path):
    shots = tmp_path / "shots"
    shots.mkdir()
    (shots / "01-usd-invoice.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    paths = write_reports(summary(passed()), tmp_path / "run", secrets=[], screenshots=sorted(shots.glob("*.png")))
    assert (paths.directory / "screenshots" / "01-usd-invoice.png").exists()
    root = etree.fromstring(paths.html.read_bytes(), etree.HTMLParser())
    images = root.xpath("//img")
    assert [img.get("src") for img in images] == ["screenshots/01-usd-invoice.png"]
    assert images[0].get("alt")
    markdown = paths.markdown.read_text()
    assert "](screenshots/01-usd-invoice.png)" in markdown  # the Markdown shows it too


def test_without_chromium_the_report_says_why(tmp_path, monkeypatch):
    from harness.reporting.screenshots import capture

    missing = tmp_path / "no-chromium"
    monkeypatch.setenv("SFPAY_CHROMIUM", str(missing))
    shots = capture(summary(linked(), passed()), tmp_path / "shots", secrets=[])
    assert shots.paths == []
    assert any(f"Chromium not found ({missing})" in note for note in shots.notes), shots.notes
    paths = write_reports(summary(linked()), tmp_path / "run", [], shots.paths, shots.notes)
    for report in (paths.markdown, paths.html):
        assert "Chromium not found" in report.read_text() and "apt-get install chromium" in report.read_text()
    assert not (paths.directory / "screenshots").exists()


def test_a_run_without_invoice_pages_says_so(tmp_path):
    from harness.reporting.screenshots import capture

    shots = capture(summary(passed()), tmp_path / "shots", secrets=[])
    assert shots.paths == [] and shots.notes == [
        "No screenshots: no scenario of this run linked a hosted invoice page."
    ]
