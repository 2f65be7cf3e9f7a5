"""Hostile spec files (issue 14, item 10): each is a located error, never a traceback or a hang.

The corpus `hostile_specs/*.yml` holds the reproducers with their exact expected message in
`*.expected` (FILE stands for the path). Before the fix: the alias bomb ran for minutes with
growing memory, deep nesting and the self-alias raised RecursionError, control characters
were reported at line 0 (or, escaped, as "internal error"), and `--out /` walked the disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.spec import load_spec
from sfpay.paths import PROJECT_ROOT

CORPUS = sorted((Path(__file__).parent / "hostile_specs").glob("*.yml"))


def sfpay(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sfpay", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize("spec_path", CORPUS, ids=[p.stem for p in CORPUS])
def test_hostile_spec_is_one_located_problem(spec_path: Path) -> None:
    expected = spec_path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    with pytest.raises(SpecError) as info:
        load_spec(spec_path)
    assert [str(p).replace(f"{spec_path}:", "FILE:", 1) for p in info.value.problems] == expected


@pytest.mark.parametrize("name", ["alias_bomb", "deep_nesting", "nul", "escaped_control", "flow_merge_syntax"])
def test_generate_refuses_hostile_spec_and_writes_nothing(tmp_path: Path, name: str) -> None:
    out = tmp_path / "force-app"
    result = sfpay(
        "generate", "--spec", str(Path(__file__).parent / "hostile_specs" / f"{name}.yml"), "--out", str(out)
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert f"{name}.yml:" in result.stderr and "nothing written" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_spec_that_is_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yml"
    os.mkfifo(fifo)
    with pytest.raises(SpecError, match="not a regular file"):
        load_spec(fifo)


def test_out_root_is_refused_without_walking_the_filesystem() -> None:
    result = sfpay("generate", "--out", "/", timeout=30)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "PermissionError" not in result.stderr
    # Only the top level is looked at: folders are named, not listed.
    assert "/ holds files the generator does not write (" in result.stderr
    assert "usr/" in result.stderr or "etc/" in result.stderr or "and " in result.stderr


def test_out_with_a_deep_foreign_tree_names_the_folder_not_its_files(tmp_path: Path) -> None:
    out = tmp_path / "home"
    deep = out / "projects" / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (deep / "notes.txt").write_text("mine")
    result = sfpay("generate", "--out", str(out))
    assert result.returncode == 1
    assert "holds files the generator does not write (projects/)" in result.stderr
    assert (deep / "notes.txt").read_text() == "mine"


def test_out_that_is_a_symlinked_file_inside_owned_paths_is_foreign(tmp_path: Path) -> None:
    out = tmp_path / "fa"
    flows = out / "main/default/flows"
    flows.mkdir(parents=True)
    (flows / "X.flow-meta.xml").symlink_to("/etc/hostname")
    result = sfpay("generate", "--out", str(out))
    assert result.returncode == 1
    assert "main/default/flows/X.flow-meta.xml" in result.stderr
