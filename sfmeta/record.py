"""A base for mutable records whose `__init__` is written out: equality and repr as
`@dataclass` gives them, without the generated code.

`@dataclass` compiles an `__init__`, `__repr__` and `__eq__` for every class it decorates,
about a millisecond each at import; `sfpay validate` starts often (issue 17), so the records
on its path are NamedTuples (immutable ones) or subclasses of `Record` (mutable ones).
"""

from __future__ import annotations

from typing import Any, ClassVar


class Record:
    """Subclasses list their attributes in `_fields` and set them in `__init__`."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._fields)

    __hash__: ClassVar[Any] = None  # mutable: unhashable, as a @dataclass with eq is

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({values})"
