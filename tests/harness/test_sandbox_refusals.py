"""The sandbox target refuses unsafe or incomplete input before touching anything.

Run through the real command line in a subprocess, as a user would: exit code 1, one
clear message, no traceback, and the key itself never echoed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sfpay.paths import PROJECT_ROOT

LIVE_KEY = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
TEST_KEY = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"


def verify(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "SF_"))}
    clean.update(env)
    clean["COLUMNS"] = "200"  # keep messages on one line for the assertions
    return subprocess.run(
        [sys.executable, "-m", "sfpay", "verify", "--target", "sandbox", *args],
        cwd=PROJECT_ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_refused(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert LIVE_KEY not in result.stderr + result.stdout
    assert TEST_KEY not in result.stderr + result.stdout


def test_live_key_is_refused_even_with_complete_credentials():
    result = verify(["--org", "uat"], {"STRIPE_API_KEY": LIVE_KEY})
    assert_refused(result, "live-mode key", "sk_test_")


def test_restricted_live_key_is_refused():
    result = verify(["--org", "uat"], {"STRIPE_API_KEY": "rk_live_" + "x" * 24})
    assert_refused(result, "live-mode key")


def test_missing_stripe_key():
    result = verify(["--org", "uat"], {})
    assert_refused(result, "STRIPE_API_KEY is not set")


def test_key_that_is_not_a_secret_key():
    result = verify(["--org", "uat"], {"STRIPE_API_KEY": "pk_test_abc"})
    assert_refused(result, "does not look like a Stripe secret key")


def test_missing_org_credentials():
    result = verify([], {"STRIPE_API_KEY": TEST_KEY})
    assert_refused(result, "needs org credentials", "--org NAME", "--instance-url")


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--instance-url", "https://acme--uat.sandbox.my.salesforce.com"], {}, "--username is missing"),
        (["--username", "admin@acme.org.uat"], {}, "--instance-url is missing"),
        (
            ["--instance-url", "https://acme--uat.sandbox.my.salesforce.com", "--username", "admin@acme.org.uat"],
            {},
            "set SF_PASSWORD",
        ),
        (
            ["--instance-url", "http://acme--uat.sandbox.my.salesforce.com", "--username", "a@b.c"],
            {"SF_PASSWORD": "pw"},
            "must be an https:// URL",
        ),
        (["--org", "uat", "--username", "a@b.c"], {}, "not both"),
        (["--org", "uat", "--reminder-offset-minutes", "0"], {}, "at least 1"),
    ],
)
def test_incomplete_or_conflicting_org_settings(args, env, message):
    result = verify(args, {"STRIPE_API_KEY": TEST_KEY, **env})
    assert_refused(result, message)


def test_unknown_scenario_name_lists_the_known_ones():
    result = verify(["--org", "uat", "--only", "no-such-scenario"], {"STRIPE_API_KEY": TEST_KEY})
    assert_refused(result, "unknown scenario 'no-such-scenario'", "invoice-on-create", "bulk-200")
