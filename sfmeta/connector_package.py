"""The objects and fields the Stripe connector package installs in an org, coded once.

Source: Stripe's public repository github.com/stripe/stripe-salesforce-ai-context (MIT): its
context docs describe one `Stripe Event` record per delivered webhook event (`Event_Name__c` =
the event type, `Request_Body__c` = the JSON of the event's `data`), and its example flow
`examples/force-app/main/default/flows/Create_Stripe_Invoice_from_Opportunity.flow-meta.xml`
looks the `Stripe Account` up by Name, writes `Sync_Log__c` records (`Action_Taken__c`,
`Message__c`, `Error_Details__c`) and reads `Account.Customer_Id__c`.

Names are written here without the namespace. A managed package's components carry the
namespace the package is installed under, `<namespace>__<Name>__c` (Salesforce Help,
"Namespace Prefix": https://help.salesforce.com/s/articleView?id=sf.packaging_namespace_prefix.htm);
for the connector that is the spec's `stripe.namespace`. `ConnectorPackage(namespace)` spells
the names in it; `sfmeta.connector.ConnectorCatalog.package` gives the one of the catalog's namespace.

The package's describe is not published, so the types are the field types the sources show
(text, long text) and the lengths Salesforce's maxima for them ("Custom Field Types":
https://help.salesforce.com/s/articleView?id=sf.custom_field_types.htm: Text 255, Long Text
Area 131,072, a custom object's Name 80). Only the fields the generated flows use are listed.
"""

from __future__ import annotations

from typing import NamedTuple

SOURCE = "github.com/stripe/stripe-salesforce-ai-context (MIT)"

# Objects (names without the namespace).
STRIPE_ACCOUNT = "Stripe_Account__c"
STRIPE_EVENT = "Stripe_Event__c"
SYNC_LOG = "Sync_Log__c"
# Fields (names without the namespace).
EVENT_NAME = "Event_Name__c"
REQUEST_BODY = "Request_Body__c"
ACTION_TAKEN = "Action_Taken__c"
MESSAGE = "Message__c"
ERROR_DETAILS = "Error_Details__c"
CUSTOMER_ID = "Customer_Id__c"

TEXT_LENGTH = 255
LONG_TEXT_LENGTH = 131072
NAME_LENGTH = 80


class PackageField(NamedTuple):
    """A field as the REST describe calls type it (`string`, `textarea`)."""

    name: str  # the API name: `<namespace>__Event_Name__c`, or a custom object's own `Name`
    type: str
    length: int
    required: bool = False
    autonumber: str | None = None  # display format of an Auto Number name field

    def in_namespace(self, namespace: str) -> PackageField:
        return self if self.name == "Name" else _replace_name(self, f"{namespace}__{self.name}")


class PackageObject(NamedTuple):
    name: str  # the API name: `<namespace>__Stripe_Event__c`
    fields: tuple[PackageField, ...]  # the Name field first, then the package's custom fields
    source: str = SOURCE
    note: str = ""


class StandardObjectField(NamedTuple):
    """A field the package adds to a standard object (`Account.<namespace>__Customer_Id__c`)."""

    object: str
    field: PackageField
    source: str = SOURCE


def _replace_name(field: PackageField, name: str) -> PackageField:
    return PackageField(name, field.type, field.length, field.required, field.autonumber)


def _text(name: str) -> PackageField:
    return PackageField(name, "string", TEXT_LENGTH)


def _long_text(name: str) -> PackageField:
    return PackageField(name, "textarea", LONG_TEXT_LENGTH)


_NAME = PackageField("Name", "string", NAME_LENGTH, required=True)

_OBJECTS = (
    PackageObject(
        STRIPE_ACCOUNT,
        (_NAME,),
        note="flows look the account up by Name and pass its Id as every action's accountRecordId",
    ),
    PackageObject(STRIPE_EVENT, (_NAME, _text(EVENT_NAME), _long_text(REQUEST_BODY))),
    PackageObject(
        SYNC_LOG,
        (
            # Not stated by the sources; an Auto Number lets flows create logs without a Name.
            PackageField("Name", "string", NAME_LENGTH, autonumber="SL-{00000}"),
            _text(ACTION_TAKEN),
            _long_text(MESSAGE),
            _long_text(ERROR_DETAILS),
        ),
    ),
)
_STANDARD_OBJECT_FIELDS = (StandardObjectField("Account", _text(CUSTOMER_ID)),)


class ConnectorPackage:
    """The package's objects and fields in the namespace it is installed under."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def name(self, bare: str) -> str:
        """`Stripe_Event__c` -> `<namespace>__Stripe_Event__c`."""
        return f"{self.namespace}__{bare}"

    @property
    def stripe_account(self) -> str:
        return self.name(STRIPE_ACCOUNT)

    @property
    def stripe_event(self) -> str:
        return self.name(STRIPE_EVENT)

    @property
    def sync_log(self) -> str:
        return self.name(SYNC_LOG)

    @property
    def objects(self) -> tuple[PackageObject, ...]:
        return tuple(
            PackageObject(self.name(o.name), tuple(f.in_namespace(self.namespace) for f in o.fields), o.source, o.note)
            for o in _OBJECTS
        )

    @property
    def standard_object_fields(self) -> tuple[StandardObjectField, ...]:
        return tuple(
            StandardObjectField(f.object, f.field.in_namespace(self.namespace), f.source)
            for f in _STANDARD_OBJECT_FIELDS
        )

    @staticmethod
    def bare_names() -> tuple[str, ...]:
        """Every object and custom field name without the namespace (for checks that no other
        file describes them again)."""
        names = [o.name for o in _OBJECTS]
        names += [f.name for o in _OBJECTS for f in o.fields if f.name != "Name"]
        names += [f.field.name for f in _STANDARD_OBJECT_FIELDS]
        return tuple(names)
