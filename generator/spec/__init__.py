"""The spec: model (`model`), defaults (`defaults`), loading with line numbers (`loader`),
the connector namespace alone (`namespace`).

`load_spec` and `Spec` are imported on first use: `generator.spec.namespace` is read without
the model (pydantic), which costs more than validating a tree (issue 17).
"""

from typing import TYPE_CHECKING

from sfpay.lazy import lazy_exports

if TYPE_CHECKING:
    from generator.spec.loader import load_spec
    from generator.spec.model import Spec

__all__ = ["Spec", "load_spec"]

__getattr__ = lazy_exports(globals(), {"Spec": "generator.spec.model", "load_spec": "generator.spec.loader"})
