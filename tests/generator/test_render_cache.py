"""`sfpay generate` keeps the rendered tree between runs (generator/render_cache.py, issue 17):
a later run with the same spec text and the same installed code writes the same bytes without
building the spec model; a changed spec, template or source renders anew; a spec with
problems is never kept."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

from gen_support import DEFAULT_SPEC

from sfpay.paths import PROJECT_ROOT, TEMPLATES_DIR

# Runs `sfpay generate` in-process and says whether the spec model (pydantic) was built.
_PROBE = (
    "import sys\nfrom generator.command import run\n"
    "code = run(sys.argv[1:])\n"
    "print(code, 'generator.spec.model' in sys.modules)\n"
)


def _generate(cache: Path, spec: Path, out: Path) -> str:
    env = {**os.environ, "SFPAY_CACHE_DIR": str(cache), "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, "--spec", str(spec), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=PROJECT_ROOT,
    )
    return result.stdout.strip().splitlines()[-1]


def _same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files_a == files_b and all(filecmp.cmp(a / p, b / p, shallow=False) for p in files_a)


def test_a_later_run_writes_the_kept_tree_byte_for_byte(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _generate(cache, DEFAULT_SPEC, tmp_path / "first") == "0 True"
    assert _generate(cache, DEFAULT_SPEC, tmp_path / "second") == "0 False"
    assert _same_tree(tmp_path / "first", tmp_path / "second")
    assert _same_tree(tmp_path / "second", PROJECT_ROOT / "force-app")
    (folder,) = [p for p in cache.iterdir() if p.name == "generate"]
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700)
    assert all(oct(p.stat().st_mode & 0o777) == oct(0o600) for p in folder.iterdir())


def test_a_changed_spec_is_rendered_anew(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    spec = tmp_path / "spec.yml"
    text = DEFAULT_SPEC.read_text(encoding="utf-8")
    spec.write_text(text, encoding="utf-8")
    assert _generate(cache, spec, tmp_path / "a") == "0 True"
    spec.write_text(text.replace("account_name: CT Nonprofit Alliance", "account_name: Other Org"), encoding="utf-8")
    assert _generate(cache, spec, tmp_path / "b") == "0 True"
    flows = tmp_path / "b" / "main" / "default" / "flows"
    assert any("Other Org" in p.read_text(encoding="utf-8") for p in flows.iterdir())


def test_a_changed_template_is_rendered_anew(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _generate(cache, DEFAULT_SPEC, tmp_path / "a") == "0 True"
    template = TEMPLATES_DIR / "objects" / "field.field-meta.xml.j2"
    before = template.stat()
    try:
        os.utime(template, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        assert _generate(cache, DEFAULT_SPEC, tmp_path / "b") == "0 True"
    finally:
        os.utime(template, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_spec_with_problems_is_never_kept(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    spec = tmp_path / "spec.yml"
    spec.write_text("currency:\n  code: USD\n", encoding="utf-8")
    for _ in range(2):
        assert _generate(cache, spec, tmp_path / "out") == "1 True"
    assert not (tmp_path / "out").exists()
    assert not list((cache / "generate").glob("render-*"))
