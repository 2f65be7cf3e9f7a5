"""orgsim: a local emulator of a Salesforce org that runs deployed flows with Salesforce's semantics.

Public API (see docs/orgsim.md):

    from orgsim import Org, StripeConfig
    org = Org.open(":memory:", stripe=StripeConfig(api_base="http://127.0.0.1:12111", api_key="sk_test_..."))
"""

# Attributes resolve on first use: `sfpay` imports this package for its command
# registration, and must not pay for the server and engine imports it does not run.
import importlib

_EXPORTS = {
    "Clock": "orgsim.clock",
    "StripeConfig": "orgsim.connector.client",
    "SaveResult": "orgsim.dml.results",
    "MetadataError": "orgsim.errors",
    "OrgError": "orgsim.errors",
    "UnknownField": "orgsim.errors",
    "UnknownObject": "orgsim.errors",
    "UnsupportedFlowFeature": "orgsim.errors",
    "DeployResult": "orgsim.org",
    "Org": "orgsim.org",
    "And": "orgsim.storage.predicate",
    "Compare": "orgsim.storage.predicate",
    "Not": "orgsim.storage.predicate",
    "Or": "orgsim.storage.predicate",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
