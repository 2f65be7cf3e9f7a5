"""Put rendered files on disk atomically, or compare them with what is there.

Writing: render into a temporary directory beside the target, then swap it into place with
`os.replace`, so a failure at any point leaves the previous tree untouched and never a half
written one. Checking: compare the rendering with the tree file by file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from generator.errors import GenerateError
from sfmeta.record import Record


class Drift(Record):
    # A Record, not a @dataclass: `sfpay generate` has a start-up budget (issue 17).
    _fields = ("differing", "missing", "extra")
    __slots__ = _fields

    def __init__(self) -> None:
        self.differing: list[str] = []
        self.missing: list[str] = []  # rendered, absent on disk
        self.extra: list[str] = []  # on disk, not rendered

    @property
    def clean(self) -> bool:
        return not (self.differing or self.missing or self.extra)

    def lines(self, out_dir: Path) -> list[str]:
        return (
            [f"differs: {out_dir / p}" for p in self.differing]
            + [f"missing: {out_dir / p}" for p in self.missing]
            + [f"extra:   {out_dir / p}" for p in self.extra]
        )


def _tree_files(root: Path, owned: tuple[str, ...] | None = None) -> dict[str, Path]:
    """Files under `root`, relative path -> path; with `owned`, only where the generator writes.

    The walk never descends into a folder no owned pattern can reach, nor follows symlinks:
    `--out /` or `--out ~` looks at one level and stops, instead of walking the filesystem.
    What it does not descend into is listed once, as `folder/` (or the symlink's name).
    """
    owned = OWNED_PATTERNS if owned is None else owned
    found: dict[str, Path] = {}
    if not root.is_dir() or root.is_symlink() and not root.resolve().is_dir():
        return found
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            found[prefix or "."] = folder
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.name == ".DS_Store":
                continue
            if entry.is_dir(follow_symlinks=False):
                if _may_hold_owned(rel, owned):
                    pending.append((Path(entry.path), rel + "/"))
                else:
                    found[rel + "/"] = Path(entry.path)
            else:
                found[rel] = Path(entry.path)
            if len(found) > _MAX_LISTED:
                return dict(sorted(found.items()))
    return dict(sorted(found.items()))


# Enough to report a foreign tree without listing it whole.
_MAX_LISTED = 10_000


def _may_hold_owned(rel_dir: str, owned: tuple[str, ...]) -> bool:
    from fnmatch import fnmatchcase

    parts = rel_dir.split("/")
    for pattern in owned:
        folders = pattern.split("/")[:-1]
        if len(parts) <= len(folders) and all(fnmatchcase(p, f) for p, f in zip(parts, folders)):
            return True
    return False


def compare(files: dict[str, bytes], out_dir: Path) -> Drift:
    on_disk = _tree_files(out_dir)
    drift = Drift()
    for rel, data in files.items():
        if rel not in on_disk or not on_disk[rel].is_file() or on_disk[rel].is_symlink():
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
    return [rel for rel, path in _tree_files(out_dir, owned).items() if not is_owned(rel, owned) or path.is_symlink()]


def is_owned(rel: str, owned: tuple[str, ...] = OWNED_PATTERNS) -> bool:
    from fnmatch import fnmatchcase

    return any(fnmatchcase(rel, p) and rel.count("/") == p.count("/") for p in owned)


def write_tree(files: dict[str, bytes], out_dir: Path, owned: tuple[str, ...] = OWNED_PATTERNS) -> None:
    """Replace `out_dir` with exactly `files`, atomically; refuse if it holds foreign files."""
    out_dir = out_dir.resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise GenerateError(f"{out_dir} exists and is not a directory (expected a new or generated directory)")
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
