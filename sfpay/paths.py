"""Where things are: the data shipped with sfpay (package resources) and the state folder.

Data is found through the data package's own location (what importlib.resources.files gives
for a package on disk), never relative to a checkout, so an installed wheel works from any
directory. importlib.resources itself is not imported: it pulls in zipfile, tempfile and
threading, a measurable share of `sfpay validate`'s start-up (bench/bench_validate.py).
`templates/` and `vendor/` sit at the top of the repository and are installed as the
packages `sfpay.templates` and `sfpay.vendor` (see setup.py).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path


def resource(package: str, *parts: str) -> Path:
    """A file or folder shipped in `package`, as a real path (sfpay is installed unpacked:
    Jinja2, lxml and lark read from the file system)."""
    module_file = getattr(importlib.import_module(package), "__file__", None)
    folder = Path(module_file).parent if module_file else None
    if folder is None or not folder.is_dir():  # inside a zip (or a namespace package)
        raise RuntimeError(f"sfpay's data must be installed on disk, not zipped: {package}/{'/'.join(parts)}")
    return folder.joinpath(*parts)


VENDOR_DIR = resource("sfpay.vendor")
TEMPLATES_DIR = resource("sfpay.templates")
WSDL_PATH = VENDOR_DIR / "salesforce-metadata-api-v66.wsdl"
# The schema slice for the generated tree's metadata types, derived from WSDL_PATH
# (validator/schema/prebuilt.py).
METADATA_SLICE_PATH = VENDOR_DIR / "metadata-api-v66-slice.xsd"
CONNECTOR_CATALOG_PATH = VENDOR_DIR / "stripe-connector-catalog.json"
# The same catalog indexed by action and model, derived from CONNECTOR_CATALOG_PATH
# (sfmeta/connector_index.py): what `sfpay validate` reads.
CONNECTOR_INDEX_PATH = VENDOR_DIR / "stripe-connector-catalog-index.jsonl"
STRIPE_FIXTURES_PATH = VENDOR_DIR / "stripe-api-fixtures.json"

# The tool's own source checkout, for tests and benchmarks only: code that runs for a user
# never reads or writes here (an installed sfpay has no checkout).
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def tool_checkout() -> Path | None:
    """The sfpay repository this code runs from, or None when sfpay is installed from a wheel."""
    if (PROJECT_ROOT / "setup.py").is_file() and (PROJECT_ROOT / "templates" / "__init__.py").is_file():
        return PROJECT_ROOT
    return None


def state_dir(project_root: Path | None = None) -> Path:
    """The project's state folder (local stack, org database, deploy logs, builds): `.sfpay`
    at `project_root`, or at the project found from the current directory (the current
    directory when there is none). SFPAY_STATE_DIR overrides it."""
    override = os.environ.get("SFPAY_STATE_DIR")
    if override:
        return Path(override)
    if project_root is None:
        from sfpay.project import find_root

        project_root = find_root(Path.cwd()) or Path.cwd()
    return project_root / ".sfpay"
