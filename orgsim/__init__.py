"""orgsim: a local emulator of a Salesforce org that runs deployed flows with Salesforce's semantics.

Public API (see docs/orgsim.md):

    from orgsim import Org, StripeConfig
    org = Org.open(":memory:", stripe=StripeConfig(api_base="http://127.0.0.1:12111", api_key="sk_test_..."))
"""

from sfpay.lazy import lazy_exports

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

__getattr__ = lazy_exports(globals(), _EXPORTS)
