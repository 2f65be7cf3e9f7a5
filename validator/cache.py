"""A small on-disk cache for derived data (schema slices, parsed YAML), keyed by content hash.

Only an optimisation: any failure to read or write the cache falls back to computing the
value, so a read-only or missing home directory never breaks validation.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("SFPAY_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "sfpay" / "validator"


def key_for(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def read(name: str) -> bytes | None:
    try:
        return (cache_dir() / name).read_bytes()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    path = cache_dir() / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass


def yaml_as_json(path: Path):
    """Load a YAML data file; the parsed form is cached as JSON (ruamel is slow to import and parse)."""
    text = path.read_bytes()
    name = f"yaml-{key_for('1', text)}.json"
    cached = read(name)
    if cached is not None:
        try:
            return json.loads(cached)
        except ValueError:
            pass
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(text)
    write(name, json.dumps(data).encode())
    return data
