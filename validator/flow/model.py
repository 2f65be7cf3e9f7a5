"""The flow as the rules see it: sfmeta's Flow model plus the source file it came from."""

from __future__ import annotations

from typing import Any

from sfmeta import flow as _flow
from sfmeta.xml import Node


class Flow(_flow.Flow):
    def __init__(self, file: Any, root: Node) -> None:
        super().__init__(root, file.name)
        self.file = file  # validator.source_tree.MetadataFile: findings name its display path
