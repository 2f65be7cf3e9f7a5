"""The validator's on-disk cache for derived data (schema slices, parsed YAML, the spec's
connector namespace), keyed by content hash, in a private folder (`sfpay.user_cache`).

Only an optimisation: any failure to read or write the cache falls back to computing the
value, so a read-only or missing home directory never breaks validation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sfpay import user_cache
from sfpay.user_cache import key_for

__all__ = ["cache_dir", "key_for", "read", "write", "yaml_as_json"]


def cache_dir() -> Path:
    base = os.environ.get("SFPAY_CACHE_DIR")
    if base:
        return Path(base)
    return user_cache.root() / "validator"


def read(name: str) -> bytes | None:
    return user_cache.read(cache_dir(), name)


def write(name: str, data: bytes) -> None:
    user_cache.write(cache_dir(), name, data)


def yaml_as_json(path: Path):
    """Load a YAML data file; the parsed form is cached as JSON (read by libyaml when it
    reads the file as ruamel's safe loader does, else by ruamel)."""
    text = path.read_bytes()
    name = f"yaml-{key_for('1', text)}.json"
    cached = read(name)
    if cached is not None:
        try:
            return json.loads(cached)
        except ValueError:
            pass
    from sfpay.yaml_input import UNSUPPORTED, YamlInputError, load_plain

    try:
        data = load_plain(text.decode("utf-8"))
    except (UnicodeDecodeError, YamlInputError):
        data = UNSUPPORTED
    if data is UNSUPPORTED:
        from ruamel.yaml import YAML

        data = YAML(typ="safe").load(text)
    write(name, json.dumps(data).encode())
    return data
