"""Helpers for the validator tests: run the real `sfpay validate` in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

WORKTREE = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
FIXTURES = HERE / "fixtures"


def metadata_documents(types: Collection[str]) -> Iterator[tuple[Path, Any]]:
    """(path, root element) of every well-formed Metadata API document in the fixtures and the
    corpus whose root is one of `types`, in path order."""
    from lxml import etree

    from sfmeta.xml import MD_NS, local

    for base in (FIXTURES, CORPUS):
        for path in sorted(base.rglob("*-meta.xml")):
            try:
                root = etree.parse(str(path)).getroot()
            except (etree.XMLSyntaxError, OSError):
                continue
            if local(root.tag) in types and root.tag.startswith(f"{{{MD_NS}}}"):
                yield path, root


def run_validate(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(WORKTREE) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sfpay", "validate", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def findings_of(result: subprocess.CompletedProcess) -> list[dict]:
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)["findings"]
