"""Reading a small project file without trusting it: regular files only, capped."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; OSError otherwise, never a hang.

    O_NONBLOCK makes opening a FIFO return at once (the regular-file check then refuses it);
    devices such as /dev/zero are refused the same way before any read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError("not a regular file (expected a metadata file, not a FIFO, device or folder)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"larger than {limit} bytes")
    return data
