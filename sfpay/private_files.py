"""Atomic writes of files that hold secrets (keys, passwords, tokens, webhook secrets).

One helper so every secret file is written the same way: a fresh temporary file created
0600 by `tempfile.mkstemp` (never an existing file whose mode we would inherit), flushed to
disk, then moved into place with `os.replace`, so a crash leaves the old file or the new
one, never half of one. Folders this module creates are 0700; `private_dir=True` also
tightens an existing folder (only for folders sfpay owns, e.g. the stack's state folder).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_private_dir(directory: Path, *, tighten: bool = False) -> Path:
    """Create `directory` (and missing parents) 0700; with `tighten`, chmod an existing one too."""
    directory = Path(directory)
    missing = [p for p in (directory, *directory.parents) if not p.exists()]
    directory.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    for created in missing:
        os.chmod(created, DIR_MODE)  # mkdir's mode is filtered by the umask
    if tighten:
        os.chmod(directory, DIR_MODE)
    return directory


def create_private_file(path: Path) -> Path:
    """Make sure `path` exists with mode 0600 before another library opens it (SQLite creates
    its database with the umask's mode, 0644, and gives its -wal and -shm files the database's
    mode): created 0600 when missing, tightened when it exists. Its folder is made 0700."""
    path = Path(path)
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def write_private(path: Path, data: str | bytes, *, private_dir: bool = False) -> Path:
    """Write `data` to `path` atomically with mode 0600 (text is UTF-8)."""
    path = Path(path)
    ensure_private_dir(path.parent, tighten=private_dir)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
