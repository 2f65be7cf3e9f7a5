"""Put rendered files on disk atomically, or compare them with what is there.

Writing: render into a temporary directory beside the target, then swap it into place with
`os.replace`, so a failure at any point leaves the previous tree untouched and never a half
written one. Checking: compare the rendering with the tree file by file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import GenerateError


@dataclass
class Drift:
    differing: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # rendered, absent on disk
    extra: list[str] = field(default_factory=list)  # on disk, not rendered

    @property
    def clean(self) -> bool:
        return not (self.differing or self.missing or self.extra)

    def lines(self, out_dir: Path) -> list[str]:
        return (
            [f"differs: {out_dir / p}" for p in self.differing]
            + [f"missing: {out_dir / p}" for p in self.missing]
            + [f"extra:   {out_dir / p}" for p in self.extra]
        )


def _tree_files(root: Path) -> dict[str, Path]:
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".DS_Store"
    }


def compare(files: dict[str, bytes], out_dir: Path) -> Drift:
    on_disk = _tree_files(out_dir)
    drift = Drift()
    for rel, data in files.items():
        if rel not in on_disk:
            drift.missing.append(rel)
        elif on_disk[rel].read_bytes() != data:
            drift.differing.append(rel)
    drift.extra = sorted(set(on_disk) - set(files))
    return drift


# What the generator may write, whatever the spec: its output directory holds only these, so
# replacing the directory as a whole removes stale generated files (a renamed flow, a field
# the spec no longer creates) and never anything else.
OWNED_PATTERNS = (
    "main/default/flows/*.flow-meta.xml",
    "main/default/objects/*/fields/*.field-meta.xml",
    "main/default/objects/*/recordTypes/*.recordType-meta.xml",
    "main/default/objects/*/businessProcesses/*.businessProcess-meta.xml",
    "main/default/permissionsets/*.permissionset-meta.xml",
    "main/default/workflows/*.workflow-meta.xml",
    "main/default/email/*.emailFolder-meta.xml",
    "main/default/email/*/*.email",
    "main/default/email/*/*.email-meta.xml",
)


def foreign_files(out_dir: Path, owned: tuple[str, ...] = OWNED_PATTERNS) -> list[str]:
    """Files in `out_dir` the generator never writes (hand-written metadata, a project root)."""
    return [rel for rel in _tree_files(out_dir) if not is_owned(rel, owned)]


def is_owned(rel: str, owned: tuple[str, ...] = OWNED_PATTERNS) -> bool:
    from fnmatch import fnmatchcase

    return any(fnmatchcase(rel, p) and rel.count("/") == p.count("/") for p in owned)


def write_tree(files: dict[str, bytes], out_dir: Path, owned: tuple[str, ...] = OWNED_PATTERNS) -> None:
    """Replace `out_dir` with exactly `files`, atomically; refuse if it holds foreign files."""
    out_dir = out_dir.resolve()
    if out_dir.is_dir():
        foreign = foreign_files(out_dir, owned)
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise GenerateError(
                f"{out_dir} holds files the generator does not write ({shown}); it replaces its "
                "output directory as a whole, so give it a directory of its own (expected a "
                "directory with only generated files, e.g. force-app)"
            )
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=parent))
    except OSError as exc:
        raise GenerateError(f"cannot create output directory beside {out_dir}: {exc}") from None
    old: Path | None = None
    try:
        for rel, data in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out_dir.exists():
            if not out_dir.is_dir():
                raise GenerateError(f"{out_dir} exists and is not a directory")
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=parent))
            old.rmdir()
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
    except OSError as exc:
        if old is not None and old.exists() and not out_dir.exists():
            os.replace(old, out_dir)  # put the previous tree back
        raise GenerateError(f"cannot write {out_dir}: {exc}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        if old is not None and old.exists():
            shutil.rmtree(old, ignore_errors=True)
