"""The spec: model (`model`), defaults (`defaults`), loading with line numbers (`loader`)."""

from generator.spec.loader import load_spec
from generator.spec.model import Spec

__all__ = ["Spec", "load_spec"]
