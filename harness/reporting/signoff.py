"""The sign-off report: Markdown and HTML, fit to attach to a go-live ticket.

Both are rendered from the same `RunSummary` with Jinja2 templates in
`harness/templates/`. Every string in the summary has already been through redaction, and
`write_reports` scans the rendered bytes once more for secret shapes and refuses to write a
report that still contains one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.context import redact_text
from harness.reporting.junit import render_junit
from harness.results import Outcome, RunSummary
from sfpay.paths import resource  # noqa: E402

TEMPLATES = resource("harness", "templates")
SCREENSHOTS = "screenshots"  # folder inside the report directory


class ReportLeak(RuntimeError):
    """A rendered report still contains something shaped like a secret; nothing was written."""


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = lambda text: str(text).replace("|", "\\|").replace("\n", " ")
    env.filters["link"] = safe_link
    return env


def safe_link(url: str | None) -> str | None:
    """Only web links are rendered as links; anything else (`javascript:`, `data:`) stays plain text."""
    if url and url.startswith(("https://", "http://")) and not any(c in url for c in " \n\"'<>`|()"):
        return url
    return None


@dataclass(frozen=True)
class Screenshot:
    path: str  # relative to the report directory
    caption: str


def _screenshot(path: Path) -> Screenshot:
    words = path.stem.split("-", 1)[-1] if path.stem[:2].isdigit() else path.stem
    return Screenshot(f"{SCREENSHOTS}/{path.name}", words.replace("-", " ").replace("_", " "))


def _context(
    summary: RunSummary, screenshots: list[Path] | None = None, screenshot_notes: list[str] | None = None
) -> dict:
    return {
        "summary": summary,
        "screenshots": [_screenshot(path) for path in screenshots or []],
        "screenshot_notes": list(screenshot_notes or []),
        "Outcome": Outcome,
        "counts": {outcome.value: summary.count(outcome) for outcome in Outcome},
        "verdict": "READY for go-live"
        if summary.ok and summary.count(Outcome.SKIPPED) == 0
        else ("PASSED with skipped scenarios (see reasons)" if summary.ok else "NOT READY: scenarios failed"),
    }


def render_markdown(
    summary: RunSummary, screenshots: list[Path] | None = None, screenshot_notes: list[str] | None = None
) -> str:
    return _environment().get_template("signoff.md.j2").render(**_context(summary, screenshots, screenshot_notes))


def render_html(
    summary: RunSummary, screenshots: list[Path] | None = None, screenshot_notes: list[str] | None = None
) -> str:
    return _environment().get_template("signoff.html.j2").render(**_context(summary, screenshots, screenshot_notes))


@dataclass(frozen=True)
class ReportPaths:
    directory: Path
    markdown: Path
    html: Path
    junit: Path
    json: Path


def write_reports(
    summary: RunSummary,
    directory: Path,
    secrets: list[str],
    screenshots: list[Path] | None = None,
    screenshot_notes: list[str] | None = None,
) -> ReportPaths:
    """Render all formats into a temporary folder beside `directory`, then move it into place.

    `screenshots` (PNG files: harness.reporting.screenshots, tests/browser/) are copied into
    `screenshots/` and shown in the HTML and Markdown; `screenshot_notes` say what is missing and why."""
    rendered = {
        "signoff.md": render_markdown(summary, screenshots, screenshot_notes).encode(),
        "signoff.html": render_html(summary, screenshots, screenshot_notes).encode(),
        "junit.xml": render_junit(summary),
        "results.json": (json.dumps(summary.to_dict(), indent=2, sort_keys=True) + "\n").encode(),
    }
    for name, content in rendered.items():
        text = content.decode()
        if redact_text(text, secrets) != text:
            raise ReportLeak(f"{name} would contain a secret; report not written")
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        for name, content in rendered.items():
            (staging / name).write_bytes(content)
        if screenshots:
            (staging / SCREENSHOTS).mkdir()
            for shot in screenshots:
                shutil.copyfile(shot, staging / SCREENSHOTS / shot.name)
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ReportPaths(
        directory,
        directory / "signoff.md",
        directory / "signoff.html",
        directory / "junit.xml",
        directory / "results.json",
    )
