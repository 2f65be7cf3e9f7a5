"""Read a deploy zip's files without trusting the archive (issue 14 #1 and #2).

Entry names are paths someone else chose: a name that is absolute, climbs with `..`, uses a
backslash or a drive letter, or carries control characters is refused, so no consumer that
lays the files out on disk (the deploy checks write them to a temporary folder) can be led
outside it. Sizes are checked before a byte is inflated: Salesforce's documented deploy
limits (sfmeta/api_limits.py: a 39 MB zip, 10,000 files, 600 MB uncompressed) and sfpay's own
ceiling on the compression ratio of one entry, which stops a zip bomb long before 600 MB.
"""

from __future__ import annotations

import io
import re
import zipfile

from sfmeta.api_limits import DEPLOY_FILES, DEPLOY_UNCOMPRESSED_BYTES, DEPLOY_ZIP_BYTES, MIB

# sfpay's own ceiling: XML compresses about 5-20:1 (the generated package: see
# tests/orgsim/server/test_deploy_hostile.py); 100:1 on an entry over 1 MiB is a bomb.
MAX_RATIO = 100
RATIO_FLOOR = 1 * MIB
_DRIVE = re.compile(r"^[A-Za-z]:")
_EOCD = b"PK\x05\x06"


class ZipRefused(Exception):
    """`entry`: the offending file's (printable) name, None when the archive as a whole is refused."""

    def __init__(self, entry: str | None, problem: str):
        super().__init__(problem)
        self.entry = entry
        self.problem = problem


def printable(name: str) -> str:
    """A name as it can appear in a result (JSON and XML 1.0 carry no control characters)."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in name)


def unsafe_name(name: str) -> str | None:
    """Why a zip entry name may not be used as a relative path, or None."""
    if any(not c.isprintable() for c in name):
        return "the file name contains control characters"
    if "\\" in name:
        return "the file name contains a backslash"
    if name.startswith("/") or _DRIVE.match(name):
        return "the file name is an absolute path"
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "the file name has an empty, '.' or '..' segment (it would leave the package folder)"
    return None


def _declared_entries(data: bytes) -> int | None:
    """The entry count of the end-of-central-directory record (read before zipfile builds an
    object per entry); None when there is none (zipfile then reports the archive as bad)."""
    tail = data[-(22 + 65535) :]
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return None
    return int.from_bytes(tail[at + 10 : at + 12], "little")  # 0xFFFF: a zip64 count, refused


def read_entries(data: bytes) -> dict[str, bytes]:
    """Every file of the zip by name; ZipRefused for an unsafe name or a size over a limit;
    zipfile.BadZipFile for bytes that are not a zip."""
    if len(data) > DEPLOY_ZIP_BYTES:
        raise ZipRefused(None, f"the zip is {len(data):,} bytes; a deploy zip may have at most {DEPLOY_ZIP_BYTES:,}")
    declared = _declared_entries(data)
    if declared is not None and declared > DEPLOY_FILES:
        raise ZipRefused(
            None, f"the zip declares {declared:,} entries; a deploy may have at most {DEPLOY_FILES:,} files"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (ValueError, OSError, EOFError) as exc:
        raise zipfile.BadZipFile(str(exc)) from None
    infos = archive.infolist()
    if len(infos) > DEPLOY_FILES:
        raise ZipRefused(None, f"the zip has {len(infos):,} entries; a deploy may have at most {DEPLOY_FILES:,} files")
    total = 0
    for info in infos:
        problem = unsafe_name(info.filename)
        if problem:
            raise ZipRefused(printable(info.filename), problem)
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ZipRefused(
                printable(info.filename),
                f"the entry inflates {info.compress_size:,} bytes to {info.file_size:,} "
                f"(more than {MAX_RATIO}:1); refused as a zip bomb",
            )
    if total > DEPLOY_UNCOMPRESSED_BYTES:
        raise ZipRefused(
            None, f"the zip inflates to {total:,} bytes; a deploy may have at most {DEPLOY_UNCOMPRESSED_BYTES:,}"
        )
    files: dict[str, bytes] = {}
    for info in infos:
        if info.is_dir():
            continue
        try:
            # zipfile stops at the declared size and checks the CRC, so a header that
            # understates the size is a BadZipFile, never more bytes than counted above.
            with archive.open(info) as entry:
                files[info.filename] = entry.read(info.file_size + 1)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise ZipRefused(printable(info.filename), f"the entry cannot be read: {exc}") from None
        if len(files[info.filename]) > info.file_size:
            raise ZipRefused(printable(info.filename), "the entry is larger than its header says")
    return files
