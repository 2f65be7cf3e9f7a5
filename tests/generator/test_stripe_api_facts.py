"""The webhook event types and API versions read from the stripe SDK's source are kept in the
user's cache, named by the file's bytes: a later process reads the same lists without parsing,
and a damaged entry is parsed anew, never trusted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from generator.facts import stripe_api

ROOT = Path(__file__).resolve().parents[2]
_PROBE = (
    "import json, sys\n"
    "from generator.facts import stripe_api\n"
    "events = sorted(stripe_api.event_types())\n"
    "print(json.dumps([events, sorted(stripe_api.api_version_dates()), 'ast' in sys.modules]))\n"
)


def _probe(cache: Path) -> list:
    env = {"SFPAY_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_kept_lists_are_the_parsed_ones_and_a_damaged_entry_is_parsed_anew(tmp_path: Path) -> None:
    expected = [sorted(stripe_api.event_types()), sorted(stripe_api.api_version_dates())]
    assert "invoice.paid" in expected[0]
    first = _probe(tmp_path)
    assert first[:2] == expected and first[2] is True  # parsed with ast, then kept
    kept = list((tmp_path / "facts").glob("webhook-literals-*.json"))
    assert len(kept) == 1
    second = _probe(tmp_path)
    assert second[:2] == expected and second[2] is False  # read back: no parser imported
    kept[0].write_text("{not json")
    assert _probe(tmp_path)[:2] == expected
    assert json.loads(kept[0].read_text())["enabled_events"]  # rewritten whole
