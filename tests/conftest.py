"""Test order for `make test` (pytest-xdist, `--dist loadscope --no-loadscope-reorder`).

With loadscope each module goes whole to one worker, in collection order. The longest modules
run a local stack, a CumulusCI deploy or scenarios in child processes for tens of seconds
while holding few tests; handed out last (xdist's own reorder puts modules with many tests
first) one of them ran alone on one worker at the end while the other worker sat idle. So the
longest modules are collected first, longest first (the classic longest-processing-time
order), and every other module keeps its place after them.

The list is a schedule, not a selection: a module missing from it still runs, only later.
The order comes from `pytest --durations=0` totals per module (issue 17); keep it roughly
right when a module gets much faster or slower.
"""

from __future__ import annotations

import pytest

# Per-module totals of `pytest --durations=0` under `make test` (seconds, a loaded 2-core
# machine, 2026-12-01); modules above ~15 s.
LONGEST_MODULES_FIRST = (
    "tests/pipeline/test_deploy_local_org.py",  # 92 s: nine CumulusCI deploys, each its own org
    "tests/harness/test_verify_local.py",  # 76 s: full 23-scenario run with deploy, sandbox rehearsal
    "tests/harness/test_verify_spec_driven.py",  # 42 s: yen and EU specs, two builds and deploys
    "tests/sfpay/test_init.py",  # 41 s: two projects' stacks side by side
    "tests/sfpay/test_installed_wheel.py",  # 36 s: wheel build + install + the client workflow
    "tests/browser/test_payer_page.py",  # 29 s: Chromium on the hosted pages
    "tests/pipeline/test_local_up.py",  # 23 s
    "tests/pipeline/test_tasks_offline.py",  # 20 s
    "tests/operate/test_drift.py",  # 17 s
    "tests/pipeline/test_local_org_login_reuse.py",  # 17 s
    "tests/orgsim/server/test_local_stack_restart.py",  # 16 s: kill -9 of both emulators
    "tests/sfpay/test_project_discovery.py",  # 16 s
)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {path: index for index, path in enumerate(LONGEST_MODULES_FIRST)}
    # A stable sort: tests keep their order inside a module, other modules theirs among themselves.
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
