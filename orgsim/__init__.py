"""orgsim: a local emulator of a Salesforce org that runs deployed flows with Salesforce's semantics.

Public API (see docs/orgsim.md):

    from orgsim import Org as Org, StripeConfig as StripeConfig
    org = Org.open(":memory:", stripe=StripeConfig(api_base="http://127.0.0.1:12111", api_key="sk_test_..."))
"""

from typing import TYPE_CHECKING

from sfpay.lazy import lazy_exports

if TYPE_CHECKING:
    # What the lazy exports resolve to, for type checkers and IDEs; at run time each
    # module is imported on first attribute access (sfpay/lazy.py).
    from orgsim.clock import Clock as Clock
    from orgsim.connector.client import StripeConfig as StripeConfig
    from orgsim.dml.results import SaveResult as SaveResult
    from orgsim.errors import (
        MetadataError as MetadataError,
    )
    from orgsim.errors import (
        OrgError as OrgError,
    )
    from orgsim.errors import (
        UnknownField as UnknownField,
    )
    from orgsim.errors import (
        UnknownObject as UnknownObject,
    )
    from orgsim.errors import (
        UnsupportedFlowFeature as UnsupportedFlowFeature,
    )
    from orgsim.org import DeployResult as DeployResult
    from orgsim.org import Org as Org
    from orgsim.storage.predicate import And as And
    from orgsim.storage.predicate import Compare as Compare
    from orgsim.storage.predicate import Not as Not
    from orgsim.storage.predicate import Or as Or

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
