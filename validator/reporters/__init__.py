"""Output formats for a validation report: text (default), json, sarif, junit."""

from __future__ import annotations

FORMATS = ("text", "json", "sarif", "junit")


def render(report, fmt: str, rules) -> str:
    if fmt == "json":
        from validator.reporters.json_report import render as fn
    elif fmt == "sarif":
        from validator.reporters.sarif import render as fn
    elif fmt == "junit":
        from validator.reporters.junit import render as fn
    else:
        from validator.reporters.text import render as fn
    return fn(report, rules)
