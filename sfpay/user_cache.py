"""The user's cache of derived data (compiled templates, schema slices, parsed data files, the
help text), in private folders.

Only an optimisation: a folder that cannot be made, or that is not the user's own, gives no
cache and the caller computes the value. What is read back from a folder someone else could
write would decide validation results and generated files, so a folder is used only when it
is a directory (not a symlink) owned by the current user; sfpay makes its folders 0700 and
its files 0600 and tightens a folder of its own that is looser. Names carry a hash of
everything the value depends on (`key_for`), so a changed input never reads a stale entry.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path

DIR_MODE = 0o700

try:
    # CPython's own SHA-256 (the module is `_sha256` up to 3.11, `_sha2` after): the same digest
    # as hashlib.sha256, without hashlib's import, which loads OpenSSL's libcrypto first (~2%
    # of a `sfpay validate` run, whose cache names are all this module hashes).
    from _sha256 import sha256 as _sha256
except ImportError:  # another Python: hashlib's
    from hashlib import sha256 as _sha256


def root() -> Path:
    """SFPAY_CACHE_DIR, else $XDG_CACHE_HOME/sfpay, else ~/.cache/sfpay."""
    base = os.environ.get("SFPAY_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "sfpay"


@lru_cache(maxsize=8)
def private_folder(folder: Path) -> Path | None:
    """`folder`, created 0700 if missing, when it is a directory the current user owns; None
    otherwise (no cache)."""
    try:
        folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return None
        if info.st_mode & 0o077:
            os.chmod(folder, DIR_MODE)
    except OSError:
        return None
    return folder


def key_for(*parts: bytes | str) -> str:
    digest = _sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def stamp(paths: list[Path]) -> str:
    """Name, size and modification time of each file: what changes when a source is edited or
    a package reinstalled, without reading the files."""
    lines = []
    for path in paths:
        info = path.stat()
        lines.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}")
    return "\n".join(lines)


def read(folder: Path, name: str) -> bytes | None:
    usable = private_folder(folder)
    if usable is None:
        return None
    try:
        return (usable / name).read_bytes()
    except OSError:
        return None


def write(folder: Path, name: str, data: bytes) -> None:
    """Atomically (a reader sees the old entry or the new one), 0600; failures are ignored."""
    usable = private_folder(folder)
    if usable is None:
        return
    # A new file of a name no one else picks (as tempfile.mkstemp makes it: O_EXCL, 0600), without
    # tempfile, whose import (random, shutil, bz2, lzma) costs a first run more than the write.
    tmp = usable / f".{name}.{os.urandom(8).hex()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, usable / name)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
