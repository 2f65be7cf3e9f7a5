"""A real browser: Debian's Chromium driven by Playwright with the system executable (never a downloaded one).

Locally the tests skip, naming what is missing, when Chromium, the playwright package or axe-core
(`npm ci` in tools/checkers) is absent. CI sets SFPAY_REQUIRE_BROWSER=1 (.ci/run), which turns those
skips into failures. Screenshots go to $SFPAY_SCREENSHOTS when set (e.g. a sign-off report's input),
else to a temporary folder.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stripesim import start_sim
from stripesim.running import RunningSim
from tests.stripesim.conftest import fast_config

CHROMIUM = Path(os.environ.get("SFPAY_CHROMIUM", "/usr/bin/chromium"))
# Flags for a headless, quiet, unprivileged run (CI containers have no user namespaces for the sandbox).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "tools" / "checkers" / "node_modules" / "axe-core" / "axe.min.js"
MERCHANT = "Acme Foundation"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is not installed (pip install -r requirements.lock)"
    if not AXE.exists():
        return f"axe-core not found at {AXE} (cd tools/checkers && npm ci)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:
        if os.environ.get("SFPAY_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SFPAY_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser) -> Iterator[Any]:
    """A 390 px wide phone (iPhone 12-15 class): touch, 3x pixels, mobile viewport rules honoured."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    chosen = os.environ.get("SFPAY_SCREENSHOTS")
    directory = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="session")
def stripe_sim() -> Iterator[RunningSim]:
    with start_sim(fast_config(account_name=MERCHANT)) as running:
        yield running


def axe_violations(page: Any) -> list[dict]:
    """Run axe-core (every rule of its default run: WCAG 2.x A/AA and best practices) on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than its viewport (0: no horizontal scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
