"""Salesforce limits the spec checks hold a spec to, each with its source.

- API names are case-insensitive: a second field, record type, flow, alert or picklist
  value that differs only in case is the same name to Salesforce (SOQL resolves
  `stripe_invoice_id__c` to `Stripe_Invoice_ID__c`: SOQL and SOSL Reference, "SOQL SELECT
  Syntax", https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm),
  so the deploy fails on the second one.
- A custom field's name is at most 40 characters, before the `__c` suffix (Salesforce Help,
  "Custom Field Attributes", Field Name):
  https://help.salesforce.com/s/articleView?id=platform.custom_field_attributes.htm
- Metadata API versions: 66.0 is the vendored WSDL's (vendor/salesforce-metadata-api-v66.wsdl);
  versions 21.0 through 30.0 were retired in Summer '25, so 31.0 is the oldest an org still
  accepts (https://help.salesforce.com/s/articleView?id=000389618&type=1).
"""

from __future__ import annotations

import re

CUSTOM_FIELD_NAME_LIMIT = 40
OLDEST_API_VERSION = 31
WSDL_API_VERSION = 66

# A practical e-mail address check for sender addresses (local@domain.tld, no spaces or
# angle brackets): Salesforce verifies org-wide addresses by sending to them, so anything
# that could not receive mail is wrong.
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def api_version_supported(version: str) -> bool:
    try:
        major, minor = version.split(".")
        return minor == "0" and OLDEST_API_VERSION <= int(major) <= WSDL_API_VERSION
    except ValueError:
        return False
