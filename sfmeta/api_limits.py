"""Salesforce's documented size and range limits on API input, one place for every reader.

Each value carries the page that documents it. Limits sfpay chooses itself (where Salesforce
documents none) live with the code that enforces them and say so.
"""

from __future__ import annotations

import datetime as dt

MIB = 1024 * 1024

# SOAP messages are limited to 50 MB; a Metadata API deploy's zip travels base64-encoded in one,
# so the zip itself can be about 39 MB.
# https://developer.salesforce.com/docs/platform/api-metadata/references/file-based-calls/meta-deploy.html
SOAP_MESSAGE_BYTES = 50 * MIB
DEPLOY_ZIP_BYTES = 39 * MIB
# "Maximum uncompressed folder size: approximately 600 MB (629,145,600 bytes)" and
# "Maximum number of files ... 10,000" (same page; older releases said 400 MB).
DEPLOY_UNCOMPRESSED_BYTES = 600 * MIB
DEPLOY_FILES = 10_000

# The largest REST request body Salesforce documents: a non-multipart insert of blob data "is
# limited to 50 MB of text data or 37.5 MB of base64-encoded data".
# https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_insert_update_blob.htm
REST_BODY_BYTES = 50 * MIB

# "In each REST call, the maximum length for the combined URI and headers is 16,384 bytes"
# (414 URI Too Long / 431 Request Header Fields Too Large).
# https://help.salesforce.com/s/articleView?id=000386264&type=1
REST_URI_AND_HEADERS_BYTES = 16_384

# "The earliest valid date is 1700-01-01T00:00:00Z GMT ... The latest valid date is
# 4000-12-31T00:00:00Z GMT."
# https://developer.salesforce.com/docs/atlas.en-us.dataLoader.meta/dataLoader/data_loader_dates.htm
EARLIEST_DATE = dt.date(1700, 1, 1)
LATEST_DATE = dt.date(4000, 12, 31)

# Number, currency and percent fields hold at most 18 digits (length + decimal places).
# https://help.salesforce.com/s/articleView?id=platform.custom_field_types.htm&type=5
NUMBER_DIGITS = 18
