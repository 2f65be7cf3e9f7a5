"""The interface every rule implements.

A rule is one small class: an `id` users can configure, a default `severity`, a one-line
`message` saying what it checks, a `hint` saying how to fix a finding, and `check`, which
yields findings. `scope` says what `check` receives:

- "file": one `MetadataFile` (every metadata file of the tree)
- "flow": one parsed `Flow`
- "tree": the whole `SourceTree` (cross-file checks)

`enforced_at_deploy` says whether a Salesforce deploy refuses what the rule finds. Every rule
must declare it (the registry refuses one that does not): the org server runs the rules
that say True on each deploy (sfpay/local/deploy_checks.py), so a new rule never starts
refusing deploys to the emulated org by accident, nor silently stops doing so.
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
    enforced_at_deploy: bool | None = None  # declared by every rule (see above)

    def check(self, subject, context) -> Iterable[Finding]:  # pragma: no cover - interface
        raise NotImplementedError

    def finding(self, file: str, line: int, message: str, hint: str | None = None) -> Finding:
        # The engine rewrites the severity when the configuration overrides it.
        return Finding(self.id, self.severity, file, line, message, self.hint if hint is None else hint)
