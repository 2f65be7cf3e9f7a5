"""User-facing errors of the generator: located, complete, never a traceback."""

from __future__ import annotations

from typing import NamedTuple

# Where a value sits in the spec: keys and list indexes from the root.
Loc = tuple[str | int, ...]


class Problem(NamedTuple):
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SpecError(Exception):
    """One or more problems in a spec file; the command prints them all and exits 1."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class GenerateError(Exception):
    """A problem outside the spec (unwritable output directory, ...); exit 1, no traceback."""
