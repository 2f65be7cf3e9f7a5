"""What `sfpay generate` loads: its start-up budget (issue 17, bench/bench_cli.py) leaves no
room for modules the generate path does not use. Checked in a new process through sys.modules,
never with a timer."""

from __future__ import annotations

import json
import subprocess
import sys

from sfpay.paths import PROJECT_ROOT

# Modules other commands need and `sfpay generate` of a valid spec must not import: the typer
# app and its help (rich, click), the pipeline and harness clients, the error path's ruamel
# and difflib (a valid spec is read by libyaml; only a problem needs them), jsonschema.
NOT_ON_THE_GENERATE_PATH = (
    "typer",
    "click",
    "rich",
    "cumulusci",
    "httpx",
    "requests",
    "stripe",
    "simple_salesforce",
    "uvicorn",
    "ruamel",
    "difflib",
    "jsonschema",
)

PROBE = """
import json, sys
from sfpay.cli import main
try:
    main(["generate", "--out", sys.argv[1]])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_generate_imports_only_what_it_uses(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "force-app")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["code"] == 0, result.stderr
    loaded = {name.split(".")[0] for name in report["modules"]}
    assert not loaded & set(NOT_ON_THE_GENERATE_PATH), sorted(loaded & set(NOT_ON_THE_GENERATE_PATH))
