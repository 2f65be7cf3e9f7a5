"""Screenshots for the sign-off report: the payer's hosted invoice pages the run created, taken
in a real headless Chromium (Debian's, driven by Playwright with the system executable, as the
browser tests do), at desktop and phone width.

A reviewer sees what the payer saw without re-running anything. The Opportunity itself is not
photographed: the local org serves no Lightning pages and a sandbox's need a browser login,
so the report links to the records instead and says so. Without Chromium or Playwright no
screenshot is taken and the report says why; a page that fails to load, or whose text shows
one of the run's secrets, is left out with the reason. Never raises: a report is always
written.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.context import redact_text
from harness.results import RunSummary, ScenarioResult

# Which invoices to show, in report order: (scenario, caption). The first invoice each one
# links to: an open invoice, a paid one, one paid after a decline.
PAGES = (
    ("invoice-on-create", "hosted invoice page, open"),
    ("paid-card-visa", "hosted invoice page, paid"),
    ("declined-then-paid", "hosted invoice page, paid after a decline"),
)
PHONE = (390, 844)  # CSS pixels, width x height
DESKTOP = (1024, 900)
# Headless, quiet, unprivileged (containers have no user namespaces for Chromium's sandbox).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PAGE_TIMEOUT_MS = 15_000


@dataclass
class Captured:
    paths: list[Path] = field(default_factory=list)  # PNG files, named NN-caption.png
    notes: list[str] = field(default_factory=list)  # what was left out, and why


def find_chromium() -> Path | None:
    """$SFPAY_CHROMIUM, else `chromium` / `chromium-browser` on PATH (Debian's package)."""
    configured = os.environ.get("SFPAY_CHROMIUM")
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def invoice_pages(results: Sequence[ScenarioResult]) -> list[tuple[str, str]]:
    """(caption, hosted invoice URL) for the PAGES scenarios that ran and linked an invoice."""
    by_name = {result.name: result for result in results}
    pages = []
    for name, caption in PAGES:
        result = by_name.get(name)
        url = next((e.url for e in result.evidence if e.kind == "stripe" and e.url), None) if result else None
        if url and url.startswith(("https://", "http://")):
            pages.append((caption, url))
    return pages


def capture(summary: RunSummary, out_dir: Path, secrets: list[str]) -> Captured:
    return _capture(summary.results, out_dir, secrets)


class CaptureDuringRun:
    """The screenshots of a run, taken while it goes on: in a thread of their own, started as
    soon as every PAGES scenario the run includes has its result (they come first in the suite),
    so Chromium renders the pages while the later scenarios run rather than after them. The
    pages show the invoices as those scenarios left them. `on_result` is the runner's hook;
    `finish` waits for the screenshots (starting them if no PAGES scenario ran)."""

    def __init__(self, scenario_names: Iterable[str], out_dir: Path, secrets: list[str]) -> None:
        self._waiting = {name for name, _ in PAGES} & set(scenario_names)
        self._results: list[ScenarioResult] = []
        self._out_dir = out_dir
        self._secrets = secrets
        self._worker: threading.Thread | None = None
        self._captured = Captured()

    def on_result(self, result: ScenarioResult) -> None:
        self._results.append(result)
        self._waiting.discard(result.name)
        if not self._waiting and self._worker is None:
            self._start()

    def _start(self) -> None:
        results = list(self._results)

        def take() -> None:
            self._captured = _capture(results, self._out_dir, self._secrets)

        self._worker = threading.Thread(target=take, name="sfpay-screenshots-during-run", daemon=True)
        self._worker.start()

    def finish(self) -> Captured:
        if self._worker is None:
            self._start()
        assert self._worker is not None
        self._worker.join()
        return self._captured


def _capture(results: Sequence[ScenarioResult], out_dir: Path, secrets: list[str]) -> Captured:
    captured = Captured()
    pages = invoice_pages(results)
    if not pages:
        captured.notes.append("No screenshots: no scenario of this run linked a hosted invoice page.")
        return captured
    chromium = find_chromium()
    if chromium is None:
        where = os.environ.get("SFPAY_CHROMIUM") or "chromium on PATH"
        captured.notes.append(
            f"No screenshots: Chromium not found ({where}); install Debian's package "
            "(apt-get install chromium) or set SFPAY_CHROMIUM to its path."
        )
        return captured
    if importlib.util.find_spec("playwright") is None:
        captured.notes.append(
            "No screenshots: the playwright Python package is not installed "
            "(pipx install 'sfpay[screenshots]', or pipx inject sfpay playwright)."
        )
        return captured
    out_dir.mkdir(parents=True, exist_ok=True)
    failure: list[BaseException] = []

    def take() -> None:
        try:
            _take(pages, chromium, out_dir, secrets, captured)
        except Exception as exc:  # noqa: BLE001 - the browser failing must not cost the report
            failure.append(exc)

    # Playwright's sync API refuses to start in a thread that already runs an asyncio loop or
    # another sync Playwright (a caller's own browser session); its own thread has neither.
    worker = threading.Thread(target=take, name="sfpay-screenshots")
    worker.start()
    worker.join()
    for exc in failure:
        captured.notes.append(
            f"Screenshots stopped: Chromium failed ({type(exc).__name__}: {redact_text(str(exc), secrets)[:200]})."
        )
    captured.notes.append(
        "The Opportunity records are linked, not photographed: the local org serves no Lightning "
        "pages, and a sandbox's need a browser login."
    )
    return captured


def _take(pages: list[tuple[str, str]], chromium: Path, out_dir: Path, secrets: list[str], captured: Captured) -> None:
    from playwright.sync_api import sync_playwright

    shots = [(caption, url, DESKTOP) for caption, url in pages] + [(pages[0][0] + ", phone", pages[0][1], PHONE)]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        try:
            for number, (caption, url, viewport) in enumerate(shots, start=1):
                width, height = viewport
                context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=viewport == PHONE)
                try:
                    page = context.new_page()
                    page.goto(url, timeout=PAGE_TIMEOUT_MS, wait_until="load")
                    shown = page.inner_text("body", timeout=PAGE_TIMEOUT_MS)
                    if redact_text(shown, secrets) != shown:
                        captured.notes.append(f"Left out {caption}: the page showed a secret.")
                        continue
                    path = out_dir / f"{number:02d}-{caption.replace(', ', '-').replace(' ', '-')}.png"
                    page.screenshot(path=str(path), full_page=True)
                    captured.paths.append(path)
                except Exception as exc:  # noqa: BLE001 - one page failing leaves the others
                    captured.notes.append(
                        f"Left out {caption}: {type(exc).__name__}: {redact_text(str(exc), secrets)[:200]}"
                    )
                finally:
                    context.close()
        finally:
            browser.close()
