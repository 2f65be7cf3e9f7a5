"""The longest-first schedule of tests/conftest.py names modules that exist: a renamed or
removed module silently drops out of the schedule (it is a schedule, not a selection)."""

from __future__ import annotations

from sfpay.paths import PROJECT_ROOT
from tests.conftest import LONGEST_MODULES_FIRST


def test_every_scheduled_module_exists():
    missing = [path for path in LONGEST_MODULES_FIRST if not (PROJECT_ROOT / path).is_file()]
    assert not missing, f"tests/conftest.py LONGEST_MODULES_FIRST names modules that do not exist: {missing}"


def test_no_module_is_scheduled_twice():
    assert len(set(LONGEST_MODULES_FIRST)) == len(LONGEST_MODULES_FIRST)
