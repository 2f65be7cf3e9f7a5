"""The SOAP envelope every Metadata API answer travels in (deploy and retrieve share the
endpoint): https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_calls_intro.htm"""

from __future__ import annotations

from starlette.responses import Response

from sfmeta.xml import MD_NS


def metadata_envelope(call: str, result: str) -> Response:
    """`<{call}Response>{result}</{call}Response>` in a SOAP body, in the metadata namespace."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns="{MD_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<soapenv:Body><{call}Response>{result}</{call}Response></soapenv:Body></soapenv:Envelope>"
    )
    return Response(xml, media_type="text/xml; charset=utf-8")
