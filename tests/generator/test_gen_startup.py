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
import gc, json, sys
from sfpay.cli import main
try:
    main(["generate", "--out", sys.argv[1]])
except SystemExit as exc:
    code = exc.code
ours = ("generator", "sfpay", "sfmeta")
dataclasses = sorted(
    f"{name}.{value.__qualname__}"
    for name, module in list(sys.modules.items())
    if name.split(".")[0] in ours
    for value in vars(module).values()
    if isinstance(value, type) and value.__module__ == name and "__dataclass_fields__" in vars(value)
)
print(json.dumps({"code": code, "modules": sorted(sys.modules), "dataclasses": dataclasses, "gc": gc.isenabled()}))
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
    # @dataclass compiles __init__/__repr__/__eq__ (and more) per class: ~4 Mi instructions
    # each, about a NamedTuple's four times (callgrind); the generate path's records are
    # NamedTuples or sfmeta.record.Record subclasses.
    assert report["dataclasses"] == []
    # The run pauses the cyclic collector (sfpay.self_parsing.run_with_collector_paused) and resumes it after.
    assert report["gc"] is True


def test_generate_leaves_a_paused_collector_paused(tmp_path):
    import gc

    from generator.command import run

    gc.disable()
    try:
        assert run(["--out", str(tmp_path / "force-app")]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_spec_model_annotations_are_types_not_text():
    # Text annotations (`from __future__ import annotations`) are compiled and evaluated by
    # pydantic one ForwardRef each, ~100 per import of the model (issue 17: generate's start-up).
    from pydantic import BaseModel

    import generator.spec.model as model

    models = [v for v in vars(model).values() if isinstance(v, type) and issubclass(v, BaseModel)]
    assert len(models) > 20
    text = [
        f"{m.__name__}.{k}" for m in models for k, v in vars(m).get("__annotations__", {}).items() if isinstance(v, str)
    ]
    assert text == []
