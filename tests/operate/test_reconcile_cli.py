"""`sfpay reconcile` user errors: one line on stderr, exit 2, no traceback, nothing contacted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sfpay.paths import PROJECT_ROOT


def run(*args: str, key: str | None = "sk_test_abc123") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("STRIPE_API_KEY", "STRIPE_API_BASE")}
    if key is not None:
        env["STRIPE_API_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "sfpay", "reconcile", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args, key, message",
    [
        (["--org", "prod", "--since", "2026-02-30"], "sk_test_abc123", "--since '2026-02-30' is not a date"),
        (["--org", "prod", "--format", "xml"], "sk_test_abc123", "--format 'xml'"),
        (["--org", "prod", "--invoice", "cus_1"], "sk_test_abc123", "not a Stripe invoice id"),
        (["--org", "prod"], "sk_live_abc123", "reconcile refuses live keys unless --allow-live"),
        (["--org", "prod"], None, "STRIPE_API_KEY is not set"),
        (["--org", "no-such-org"], "sk_test_abc123", "cannot use CumulusCI org 'no-such-org'"),
    ],
)
def test_user_errors_exit_2_without_traceback(args: list[str], key: str | None, message: str) -> None:
    result = run(*args, key=key)
    assert result.returncode == 2, result.stderr
    assert message in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.stderr and "sk_live_abc123" not in result.stderr + result.stdout


def test_a_message_with_brackets_is_printed_as_written() -> None:
    """User errors go through sfpay.console.print_error (the one user-error printer): text in
    square brackets is the user's, not rich markup to swallow."""
    result = run("--org", "prod", "--invoice", "[bold]in")
    assert result.returncode == 2 and "error:" in result.stderr
    assert "'[bold]in' is not a Stripe invoice id" in " ".join(result.stderr.split()), result.stderr
