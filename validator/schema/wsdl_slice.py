"""The XML Schema for the metadata types at hand, cached across runs.

Compiling the whole WSDL schema costs most of a second; a source tree only needs the types
reachable from the metadata types it contains (a Flow needs ~150 of them). sfmeta.wsdl cuts
that slice; here it is cached, keyed by the WSDL's identity and the type set, so a warm start
never reads the WSDL at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sfmeta.wsdl import WsdlError, compile_schema, load

__all__ = ["WsdlError", "load_schema"]
# Bump when the slice format changes, so stale cache entries are ignored.
_SLICE_FORMAT = "1"


def load_schema(wsdl_path: Path, root_types: Iterable[str], prebuilt: Path | None = None) -> Any:
    """Compiled `lxml.etree.XMLSchema` for `root_types`, from the cache when possible.

    `prebuilt`: the shipped slice of validator.schema.prebuilt.TYPES (cut from `wsdl_path`),
    used when it covers `root_types`, so that neither the WSDL nor the cache is read.
    The cache key uses the WSDL's path, size and modification time (not its 2 MB content).
    """
    from lxml import etree

    roots = sorted(set(root_types))
    if prebuilt is not None:
        from validator.schema.prebuilt import TYPES

        if TYPES.issuperset(roots):
            try:
                return compile_schema(prebuilt.read_bytes())
            except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError):
                pass  # a broken installation: cut the slice from the WSDL below

    from validator import cache

    try:
        stat = wsdl_path.stat()
    except OSError as exc:
        raise WsdlError(f"cannot read the Metadata API WSDL {wsdl_path}: {exc.strerror}") from exc
    identity = f"{wsdl_path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    name = f"metadata-slice-{cache.key_for(_SLICE_FORMAT, identity, *roots)}.xsd"
    text = cache.read(name)
    if text is not None:
        try:
            return compile_schema(text)
        except (etree.XMLSyntaxError, etree.XMLSchemaParseError):
            pass  # a damaged cache entry: rebuild it below
    text = load(wsdl_path).slice_text(roots)
    cache.write(name, text)
    return compile_schema(text)
