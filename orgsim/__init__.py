"""orgsim: a local emulator of a Salesforce org that runs deployed flows with Salesforce's semantics.

Public API (see docs/orgsim.md):

    from orgsim import Org, StripeConfig
    org = Org.open(":memory:", stripe=StripeConfig(api_base="http://127.0.0.1:12111", api_key="sk_test_..."))
"""

from orgsim.clock import Clock
from orgsim.connector.client import StripeConfig
from orgsim.dml.results import SaveResult
from orgsim.errors import MetadataError, OrgError, UnknownField, UnknownObject, UnsupportedFlowFeature
from orgsim.org import DeployResult, Org
from orgsim.storage.predicate import And, Compare, Not, Or

__all__ = ["And", "Clock", "Compare", "DeployResult", "MetadataError", "Not", "Or", "Org", "OrgError", "SaveResult",
           "StripeConfig", "UnknownField", "UnknownObject", "UnsupportedFlowFeature"]
