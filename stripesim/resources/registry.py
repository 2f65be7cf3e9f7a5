"""One registry of API endpoints; each resource module registers its own handlers.

A handler takes `(op, params, **path_params)` and returns a Stripe object. `spec` declares
its parameters (checked before the handler runs), `idempotent` marks POSTs that Stripe's
idempotency layer covers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from stripesim.json_shapes import StripeObject
from stripesim.params import Param

# `(op, params, **path_params) -> Stripe object`; path parameters differ per endpoint, hence `...`.
EndpointHandler = Callable[..., StripeObject]
H = TypeVar("H", bound=EndpointHandler)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: EndpointHandler
    spec: dict[str, Param]

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    @cached_property  # read on every request; the list is fixed at import
    def refused(self) -> frozenset[str]:
        """Parameters the stripe SDK defines here that the emulator refuses as not emulated."""
        from stripesim.resources.not_emulated import NOT_EMULATED

        return frozenset(NOT_EMULATED.get(self.name, ()))

    @property
    def expandable(self) -> bool:
        # The SDK defines `expand` on every served operation except deletes.
        return self.method != "DELETE"


ENDPOINTS: list[Endpoint] = []


def endpoint(method: str, path: str, spec: dict[str, Param] | None = None) -> Callable[[H], H]:
    def register(handler: H) -> H:
        ENDPOINTS.append(Endpoint(method, path, handler, spec or {}))
        return handler

    return register
