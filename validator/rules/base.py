"""The interface every rule implements.

A rule is one small class: an `id` users can configure, a default `severity`, a one-line
`message` saying what it checks, a `hint` saying how to fix a finding, and `check`, which
yields findings. `scope` says what `check` receives:

- "file": one `MetadataFile` (every metadata file of the tree)
- "flow": one parsed `Flow`
- "tree": the whole `SourceTree` (cross-file checks)
"""

from __future__ import annotations

from collections.abc import Iterable

from validator.findings import Finding, Severity


class Rule:
    id: str = ""
    severity: Severity = Severity.ERROR
    message: str = ""
    hint: str = ""
    scope: str = "flow"

    def check(self, subject, context) -> Iterable[Finding]:  # pragma: no cover - interface
        raise NotImplementedError

    def finding(self, file: str, line: int, message: str, hint: str | None = None) -> Finding:
        # The engine rewrites the severity when the configuration overrides it.
        return Finding(self.id, self.severity, file, line, message, self.hint if hint is None else hint)
