"""Reading a spec file's text, without the spec model: what a kept rendering is named by
(generator/render_cache.py) and what `load_spec_text` reads."""

from __future__ import annotations

from pathlib import Path

from generator.errors import Problem, SpecError


def read_spec_text(path: Path) -> str:
    """The spec file's text, or SpecError (not found, not a regular file, too big, not UTF-8)."""
    # sfpay.yaml_input refuses FIFOs, huge files and text that is not UTF-8, with its line.
    from sfpay.yaml_input import YamlInputError, read_text

    name = str(path)
    try:
        return read_text(path)
    except FileNotFoundError:
        raise SpecError([Problem(name, 0, "", "spec file not found")]) from None
    except YamlInputError as exc:
        raise SpecError([Problem(name, exc.line, "", exc.message)]) from None
