import subprocess
import sys

import pytest

from sfpay import cli

EXPECTED_COMMANDS = (
    "generate",
    "diagram",
    "validate",
    "deploy",
    "stripe-sim",
    "verify",
    "demo",
    "spec",
    "org",
    "local",
    "webhook",
)


def _sfpay(*args):
    return subprocess.run([sys.executable, "-m", "sfpay", *args], capture_output=True, text=True, timeout=120)


def test_help_lists_every_package_command():
    result = _sfpay("--help")
    assert result.returncode == 0, result.stderr
    for command in EXPECTED_COMMANDS:
        assert command in result.stdout


def test_registered_app_is_built_once_and_has_every_command():
    import typer

    command = typer.main.get_command(cli.app)
    assert cli.app is cli.app
    assert set(EXPECTED_COMMANDS) <= set(command.commands)


def test_self_parsing_command_skips_typer_but_behaves_the_same(tmp_path):
    # The fast path must not import typer (its cost is what the fast path avoids) ...
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sfpay.cli import main\n"
            "try:\n    main(['validate', '--list-rules'])\nexcept SystemExit as e:\n"
            "    print('typer' in sys.modules, e.code)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.stdout.strip().splitlines()[-1] == "False 0", probe.stdout + probe.stderr
    # ... and give the same result as the command registered with typer.
    fast = _sfpay("validate", "--list-rules")
    from typer.testing import CliRunner

    slow = CliRunner().invoke(cli.app, ["validate", "--list-rules"])
    assert fast.returncode == slow.exit_code == 0
    assert fast.stdout == slow.stdout


def test_unknown_command_is_a_usage_error_without_traceback():
    result = _sfpay("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["stripe-sim"], ["org", "serve"]], ids=["stripe-sim", "org-serve"])
def test_the_servers_start_without_typer(command):
    """The emulators' servers are started by every `sfpay local up` and by the tests: their
    commands parse their own arguments, so the process never imports typer (or pydantic
    through it)."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sfpay.cli import main\n"
            f"try:\n    main({command!r} + ['--port', 'not-a-port'])\nexcept SystemExit as e:\n"
            "    print('typer' in sys.modules, 'pydantic' in sys.modules, e.code)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.stdout.strip().splitlines()[-1] == "False False 2", probe.stdout + probe.stderr
    assert "argument --port: invalid int value: 'not-a-port'" in probe.stderr
