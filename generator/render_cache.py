"""The rendered tree of a spec, kept between runs of `sfpay generate` (issue 17: < 300 ms).

Rendering is a pure function of the spec's text and of the code and data that read and
render it (docs/generator.md: byte for byte deterministic), so a later run with the same
inputs takes the kept tree instead of building the spec model (pydantic), Jinja2 and the
canonicalizer again. The entry's name is a hash of everything the result depends on:

- the spec's text;
- name, size and modification time of every file of the generator, sfmeta, the shared
  utilities (`sfpay/*.py`), the templates and the vendored data;
- the same of the libraries that read, check and render the spec (pydantic, Jinja2,
  MarkupSafe, lxml, PyYAML, ruamel.yaml) and of the stripe SDK's webhook parameters (the
  event types and API versions a spec may name), and the Python version.

A changed input therefore never reads a stale entry; only a successful rendering is kept (a
spec with problems is read and reported every time). Entries live in the user's private
cache folder (`sfpay.user_cache`: 0700, owner checked, 0600 files).
"""

from __future__ import annotations

import marshal
import sys
from importlib.util import find_spec
from pathlib import Path

from sfpay import user_cache

# Bump when the entry format changes.
_FORMAT = "1"
_LIBRARIES = ("pydantic", "pydantic_core", "jinja2", "markupsafe", "lxml", "yaml", "ruamel.yaml")
_STRIPE_PARAMS = ("params", "_webhook_endpoint_create_params.py")


def folder() -> Path:
    return user_cache.root() / "generate"


def _inputs() -> list[Path]:
    """Every file whose change could change a rendering, sorted within each group."""
    from sfpay.paths import TEMPLATES_DIR, VENDOR_DIR

    top = Path(__file__).resolve().parent.parent
    found: list[Path] = []
    for tree in (top / "generator", top / "sfmeta", TEMPLATES_DIR, VENDOR_DIR):
        found += sorted(p for p in tree.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    found += sorted((top / "sfpay").glob("*.py"))
    for library in _LIBRARIES:
        spec = find_spec(library)
        if spec is None or spec.origin is None:
            raise OSError(f"{library} is not installed")
        found.append(Path(spec.origin))
    stripe = find_spec("stripe")
    if stripe is None or stripe.origin is None:
        raise OSError("stripe is not installed")
    found.append(Path(stripe.origin).parent.joinpath(*_STRIPE_PARAMS))
    return found


def entry_name(spec_text: str) -> str | None:
    """The entry's file name for this spec text and the installed code; None when an input
    cannot be read (then nothing is kept)."""
    try:
        stamp = user_cache.stamp(_inputs())
    except (OSError, ValueError, ImportError):
        return None
    return f"render-{user_cache.key_for(_FORMAT, sys.version, stamp, spec_text)}.marshal"


def read(name: str) -> dict[str, bytes] | None:
    data = user_cache.read(folder(), name)
    if data is None:
        return None
    try:
        files = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None  # a damaged entry: render again
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, bytes) for k, v in files.items()):
        return None
    return files


def write(name: str, files: dict[str, bytes]) -> None:
    user_cache.write(folder(), name, marshal.dumps(dict(files)))
