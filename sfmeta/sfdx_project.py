"""`sfdx-project.json`, the Salesforce DX project file: its package directories and the
settings tools keep under `plugins` (Salesforce DX Developer Guide, "Salesforce DX Project
Configuration": https://developer.salesforce.com/docs/atlas.en-us.sfdx_dev.meta/sfdx_dev/sfdx_dev_ws_config.htm).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sfmeta.files import read_regular_file

FILE_NAME = "sfdx-project.json"


# sfdx-project.json is a few hundred bytes; anything far larger is not a project file.
MAX_PROJECT_FILE_BYTES = 1024 * 1024


class SfdxProjectError(Exception):
    """The file exists but cannot be used; `path` is the file, `cause` the underlying error,
    `too_deep` set when the JSON nests beyond what the parser takes (a hostile file)."""

    def __init__(self, path: Path, cause: BaseException | None, *, too_deep: bool = False) -> None:
        super().__init__(f"{path}: {cause}")
        self.path = path
        self.cause = cause
        self.too_deep = too_deep

    @property
    def detail(self) -> str:
        return str(self.cause)


def read(root: Path) -> dict[str, Any] | None:
    """The project file at `root` as a JSON object; None when there is none."""
    path = root / FILE_NAME
    if not path.is_file():
        return None
    try:
        data = json.loads(read_regular_file(path, MAX_PROJECT_FILE_BYTES).decode("utf-8"))
    except RecursionError:
        raise SfdxProjectError(path, None, too_deep=True) from None
    except (OSError, ValueError) as exc:
        raise SfdxProjectError(path, exc) from None
    return data if isinstance(data, dict) else {}


def package_directories(root: Path) -> list[Path] | None:
    """Every `packageDirectories[].path` under `root`, in order; None without a project file.
    Strict: each entry must have a path (a deploy or validation covers them all)."""
    data = read(root)
    if data is None:
        return None
    try:
        return [root / entry["path"] for entry in data["packageDirectories"]]
    except (KeyError, TypeError) as exc:
        raise SfdxProjectError(root / FILE_NAME, exc) from None


def default_package_directory(root: Path) -> str | None:
    """The `path` of the default package directory (else the first one), as written; lenient."""
    directories = (read(root) or {}).get("packageDirectories") or []
    chosen = next((d for d in directories if isinstance(d, dict) and d.get("default")), None)
    chosen = chosen or next((d for d in directories if isinstance(d, dict)), None)
    return chosen.get("path") if chosen and isinstance(chosen.get("path"), str) else None


def plugin_setting(root: Path, plugin: str, key: str) -> Any:
    """`plugins.<plugin>.<key>` (where tools keep their settings), or None."""
    return (((read(root) or {}).get("plugins") or {}).get(plugin) or {}).get(key)
