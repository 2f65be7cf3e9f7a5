"""The client workflow with only the built wheel: no checkout on the path, run from a temp dir.

Builds the wheel, installs it (with its dependencies, from pip's configured sources and
cache) into a fresh virtual environment outside the repository, then runs what a consultant
runs for a new client: `sfpay init`, `generate`, `validate`, the local stack, `deploy`,
`verify`, `local down`. Marked `wheel` (about 45 s; SFPAY_WHEEL_FULL_INSTALL=1 installs the
dependencies too, about 50 s more); `make test` runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sfpay.paths import PROJECT_ROOT

pytestmark = pytest.mark.wheel

# Every requirement the installed sfpay declares (extras aside) is installed at a matching version.
_CHECK_REQUIREMENTS = """
from importlib.metadata import PackageNotFoundError, requires, version
from packaging.requirements import Requirement
for line in requires("sfpay") or []:
    req = Requirement(line)
    if req.marker is not None and not req.marker.evaluate({"extra": ""}):
        continue
    try:
        found = version(req.name)
    except PackageNotFoundError:
        print(f"missing: {req}")
        continue
    if not req.specifier.contains(found, prereleases=True):
        print(f"{req.name} {found} does not satisfy {req}")
"""


# One scenario per packaged resource the run reads: the invoice flows, a payment webhook, the
# reminder email template, the hosted payer page, and the reconcile command.
WHEEL_SCENARIOS = (
    "invoice-on-create",
    "paid-card-visa",
    "reminder-unpaid",
    "invoice-sent-to-payer",
    "reconcile-missed-webhook",
)


def _clean_env(home: Path) -> dict[str, str]:
    """The user's environment without anything that points back at the checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "SFPAY_", "CUMULUSCI_", "VIRTUAL_ENV", "SFDX_", "STRIPE_"))
    }
    env["HOME"] = str(home)  # a CumulusCI keychain of its own (~/.cumulusci)
    env["COLUMNS"] = "200"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("wheel")
    assert not str(root).startswith(str(PROJECT_ROOT))
    started = time.monotonic()
    # Build from the files git knows (committed or not, never ignored ones), copied out, so a
    # stale build/ folder or a local leftover cannot slip into the wheel.
    source = root / "source"
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for relative in filter(None, listed):
        if (PROJECT_ROOT / relative).is_file():
            (source / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_ROOT / relative, source / relative)
    dist = root / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            str(source),
            "-w",
            str(dist),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    wheel = next(dist.glob("sfpay-*.whl"))
    built = time.monotonic()
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-compile"]
    if os.environ.get("SFPAY_WHEEL_FULL_INSTALL"):
        # Everything from pip's sources (about 50 s more): the release check.
        lock = PROJECT_ROOT / "requirements.lock"
        subprocess.run(
            [*pip, *(["-c", str(lock)] if lock.is_file() else []), str(wheel)],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )
    else:
        # The dependencies are borrowed from this test's own environment through a .pth line
        # (a plain path: the checkout's editable-install hook there is not run), so only the
        # wheel itself is installed; the check below proves its declared dependencies are met.
        purelib = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        Path(purelib, "zz_sfpay_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
        subprocess.run([*pip, "--no-deps", str(wheel)], check=True, capture_output=True, text=True, timeout=600)
    unmet = subprocess.run([str(python), "-c", _CHECK_REQUIREMENTS], capture_output=True, text=True, timeout=60)
    assert unmet.returncode == 0 and unmet.stdout == "", unmet.stdout + unmet.stderr
    print(f"\nwheel built in {built - started:.1f} s, installed in {time.monotonic() - built:.1f} s")
    home = root / "home"
    home.mkdir()
    env = _clean_env(home)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return venv / "bin" / "sfpay", env


def _run(sfpay: Path, env: dict[str, str], cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run([str(sfpay), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_wheel_holds_no_checkout_path(installed):
    sfpay, env = installed
    probe = subprocess.run(
        [
            str(sfpay.with_name("python")),
            "-c",
            "import sfpay, generator, sfpay.paths as p; print(sfpay.__file__); "
            "print(generator.__file__); print(p.TEMPLATES_DIR); print(p.WSDL_PATH)",
        ],
        env=env,
        cwd=sfpay.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    assert str(PROJECT_ROOT) not in probe.stdout
    templates, wsdl = probe.stdout.splitlines()[2:4]
    assert templates.endswith("sfpay/templates") and Path(templates, "flows").is_dir() and Path(wsdl).is_file()


def test_client_workflow_from_an_empty_directory(installed, tmp_path):
    sfpay, env = installed
    timings: dict[str, float] = {}

    def step(name: str, cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        started = time.monotonic()
        result = _run(sfpay, env, cwd, *args, timeout=timeout)
        timings[name] = time.monotonic() - started
        assert result.returncode == 0, f"sfpay {' '.join(args)}\n{result.stdout}\n{result.stderr}"
        return result

    step("init", tmp_path, "init", "acme", "--client", "Acme Foundation", "--currency", "jpy")
    project = tmp_path / "acme"
    step("generate", project, "generate")
    assert (project / "force-app" / "main" / "default" / "flows").is_dir()
    step("validate", project, "validate")
    try:
        up = step("local up", project, "local", "up", "--json")
        details = json.loads(up.stdout)
        assert details["project_root"] == str(project.resolve())
        step("deploy", project, "deploy", "--org", "local", timeout=600)
        # The installed package runs scenarios end to end; which ones is what the packaging
        # could break (templates, email bodies, the hosted page, the reconcile command), not
        # their number: all of them run from the checkout in tests/harness/test_verify_local.py.
        only = [arg for name in WHEEL_SCENARIOS for arg in ("--only", name)]
        reports = tmp_path / "reports"
        step("verify", project, "verify", "--target", "local", "--no-deploy", *only, "--report-dir", str(reports))
        suite = ElementTree.parse(reports / "junit.xml").getroot()
        counts = [suite.get(name) for name in ("tests", "failures", "errors", "skipped")]
        assert counts == [str(len(WHEEL_SCENARIOS)), "0", "0", "0"], counts
    finally:
        _run(sfpay, env, project, "local", "down")
    print("\n" + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()))
    # Nothing was written into the tool's checkout.
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "force-app", "reports", ".sfpay"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    ).stdout
    assert dirty == ""
