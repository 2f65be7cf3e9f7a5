"""Package attributes imported on first use.

`sfpay` imports every package for its command registration; a package whose `__init__`
re-exports its server or engine would make every command pay for those imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(namespace: dict, exports: dict[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` resolving `exports` ({attribute: module}) on first access."""

    def __getattr__(name: str):
        module_name = exports.get(name)
        if module_name is None:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module_name), name)
        namespace[name] = value
        return value

    return __getattr__
