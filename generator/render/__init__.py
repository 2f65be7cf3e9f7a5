"""Rendering: spec -> context (`context`, `formulas`) -> templates (`engine`) -> canonical bytes."""

from generator.render.engine import SOURCE_ROOT, render

__all__ = ["SOURCE_ROOT", "render"]
