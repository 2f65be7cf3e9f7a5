import subprocess
import sys

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


def test_stripe_sim_starts_without_typer():
    """The emulator's server is started by every `sfpay local up` and by the tests: its command
    parses its own arguments, so the process never imports typer (or pydantic through it)."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sfpay.cli import main\n"
            "try:\n    main(['stripe-sim', '--port', 'not-a-port'])\nexcept SystemExit as e:\n"
            "    print('typer' in sys.modules, 'pydantic' in sys.modules, e.code)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.stdout.strip().splitlines()[-1] == "False False 2", probe.stdout + probe.stderr
    assert "argument --port: invalid int value: 'not-a-port'" in probe.stderr


def test_org_serve_starts_without_typer():
    """The org server too (started by every `sfpay local up`): `sfpay org serve` parses its own
    arguments, so its process never imports typer (or pydantic through it)."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sfpay.cli import main\n"
            "try:\n    main(['org', 'serve', '--port', 'not-a-port'])\nexcept SystemExit as e:\n"
            "    print('typer' in sys.modules, 'pydantic' in sys.modules, e.code)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.stdout.strip().splitlines()[-1] == "False False 2", probe.stdout + probe.stderr
    assert "argument --port: invalid int value: 'not-a-port'" in probe.stderr
