"""The Organization sObject, read-only and synthesized from the server configuration.

CumulusCI reads it right after login (`OrganizationType`, `IsSandbox`, `InstanceName`,
`NamespacePrefix`, `TrialExpirationDate`) to decide, e.g., whether purgeOnDelete is allowed.
The org is a Developer Edition-like sandbox with no namespace.
"""

from __future__ import annotations

from orgsim.server.config import ServerConfig
from orgsim.server.errors import not_found

_FIELDS = [
    ("Id", "id"),
    ("Name", "string"),
    ("OrganizationType", "picklist"),
    ("IsSandbox", "boolean"),
    ("InstanceName", "string"),
    ("NamespacePrefix", "string"),
    ("TrialExpirationDate", "datetime"),
    ("LanguageLocaleKey", "picklist"),
    ("TimeZoneSidKey", "picklist"),
    ("DefaultLocaleSidKey", "picklist"),
]

DESCRIBE = {
    "name": "Organization",
    "label": "Organization",
    "labelPlural": "Organizations",
    "keyPrefix": "00D",
    "custom": False,
    "createable": False,
    "updateable": False,
    "deletable": False,
    "queryable": True,
    "fields": [
        {
            "name": n,
            "label": n,
            "type": t,
            "nillable": n in ("NamespacePrefix", "TrialExpirationDate"),
            "createable": False,
            "updateable": False,
            "referenceTo": [],
            "relationshipName": None,
            "externalId": False,
            "unique": False,
            "custom": False,
            "picklistValues": [],
        }
        for n, t in _FIELDS
    ],
}


def values(config: ServerConfig) -> dict:
    return {
        "Id": config.org_id,
        "Name": "orgsim",
        "OrganizationType": "Developer Edition",
        "IsSandbox": True,
        "InstanceName": "ORGSIM",
        "NamespacePrefix": None,
        "TrialExpirationDate": None,
        "LanguageLocaleKey": "en_US",
        "TimeZoneSidKey": "GMT",
        "DefaultLocaleSidKey": "en_US",
    }


def record(config: ServerConfig, record_id: str, version: str) -> dict:
    if record_id[:15] != config.org_id[:15]:
        raise not_found()
    return {
        "attributes": {
            "type": "Organization",
            "url": f"/services/data/v{version}/sobjects/Organization/{config.org_id}",
        },
        **values(config),
    }
