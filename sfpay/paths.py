"""Where the project keeps things: vendored data, templates and local state."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = PROJECT_ROOT / "vendor"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
WSDL_PATH = VENDOR_DIR / "salesforce-metadata-api-v66.wsdl"
CONNECTOR_CATALOG_PATH = VENDOR_DIR / "stripe-connector-catalog.json"
STRIPE_FIXTURES_PATH = VENDOR_DIR / "stripe-api-fixtures.json"


def state_dir() -> Path:
    """Project-local state folder (local stack, org database, reports). Override with SFPAY_STATE_DIR."""
    return Path(os.environ.get("SFPAY_STATE_DIR", Path.cwd() / ".sfpay"))
