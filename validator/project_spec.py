"""What `sfpay validate` takes from the project's spec: the namespace the Stripe connector is
installed under (`stripe.namespace`), the one the generator renders the flows with and orgsim
runs them with. Read by the generator (`generator.spec.namespace`, the one reader of the spec),
without the spec model when the spec states it plainly.
"""

from __future__ import annotations

import json
from pathlib import Path


class ProjectSpecError(Exception):
    """The project's spec exists but does not load; the message names the file and line."""


def spec_of(validated: Path, given_spec: Path | None) -> Path | None:
    """The spec of the project `validated` belongs to (or --spec's), None outside a project or
    when the project has no spec file (a bare SFDX tree: the catalog's own namespace applies)."""
    from sfpay.project import ProjectError, configured_spec, find_root

    if given_spec is not None:
        return given_spec
    root = find_root(validated if validated.exists() else Path.cwd())
    if root is None:
        return None
    try:
        spec = configured_spec(root)
    except ProjectError as exc:
        raise ProjectSpecError(str(exc)) from None
    return spec if spec.is_file() else None


def connector_namespace(spec: Path | None) -> str | None:
    """The spec's `stripe.namespace`; None without a spec.

    The answer is kept in the validator's cache, named by the spec's bytes and the sources of
    the readers (a changed default or rule reads the spec anew). A spec whose namespace does
    not load is never kept."""
    if spec is None:
        return None
    from validator import cache

    name = _cache_name(spec)
    kept = cache.read(name) if name is not None else None
    if kept is not None:
        try:
            return json.loads(kept)["namespace"]
        except (ValueError, KeyError, TypeError):
            pass
    from generator.errors import SpecError
    from generator.spec.namespace import read_namespace

    try:
        namespace = read_namespace(spec)
    except SpecError as exc:
        first = exc.problems[0] if exc.problems else None
        raise ProjectSpecError(
            f"the project's spec does not load, so the connector namespace is unknown: {first or exc} "
            "(`sfpay generate` lists every problem)"
        ) from None
    if name is not None:
        cache.write(name, json.dumps({"namespace": namespace}).encode())
    return namespace


def _cache_name(spec: Path) -> str | None:
    from validator import cache

    try:
        parts: list[bytes | str] = ["namespace-2", spec.read_bytes()]
        top = Path(__file__).resolve().parent.parent
        for source in [*sorted((top / "generator" / "spec").glob("*.py")), top / "sfpay" / "yaml_input.py"]:
            stat = source.stat()
            parts.append(f"{source.name} {stat.st_mtime_ns} {stat.st_size}")
    except OSError:
        return None
    return f"spec-{cache.key_for(*parts)}.json"
