"""The partner SOAP `login` call at /services/Soap/u/XX.X — what simple-salesforce's
username/password/security-token login posts (`SalesforceLogin(..., scratch_url=instance_url)`)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from lxml import etree
from starlette.requests import Request
from starlette.responses import Response

from orgsim.server.config import ServerConfig
from orgsim.server.errors import soap_fault
from orgsim.server.oauth import check_password
from orgsim.server.sessions import SessionIssuer

PARTNER_NS = "urn:partner.soap.sforce.com"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse_envelope(body: bytes):
    """The SOAP body's first element, or None when the request is not a SOAP envelope."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        return None
    bodies = root.xpath("/*[local-name()='Envelope']/*[local-name()='Body']/*")
    return bodies[0] if bodies else None


def child_text(element, name: str) -> str | None:
    found = element.xpath(f"./*[local-name()='{name}']")
    return None if not found else (found[0].text or "")


def soap_login(config: ServerConfig, sessions: SessionIssuer):
    async def endpoint(request: Request) -> Response:
        version = request.path_params["version"]
        call = parse_envelope(await request.body())
        if call is None or etree.QName(call).localname != "login":
            return soap_fault("INVALID_SOAP", "orgsim's partner endpoint supports only the login call", status=500)
        username = child_text(call, "username") or ""
        password = child_text(call, "password") or ""
        if not check_password(config, username, password):
            return soap_fault(
                "INVALID_LOGIN",
                "Invalid username, password, security token; or user locked out.",
                exception_type="LoginFault",
            )
        token, session = sessions.issue(username)
        base = config.instance_url
        org15 = config.org_id[:15]
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            f'xmlns="{PARTNER_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<soapenv:Body><loginResponse><result>"
            f"<metadataServerUrl>{escape(base)}/services/Soap/m/{version}/{org15}</metadataServerUrl>"
            "<passwordExpired>false</passwordExpired><sandbox>true</sandbox>"
            f"<serverUrl>{escape(base)}/services/Soap/u/{version}/{org15}</serverUrl>"
            f"<sessionId>{escape(token)}</sessionId>"
            f"<userId>{config.user_id}</userId>"
            "<userInfo>"
            f"<organizationId>{config.org_id}</organizationId><organizationName>orgsim</organizationName>"
            f"<sessionSecondsValid>{session.expires_at - session.issued_at}</sessionSecondsValid>"
            f"<userEmail>{escape(config.username)}</userEmail><userFullName>orgsim Admin</userFullName>"
            f"<userId>{config.user_id}</userId><userName>{escape(config.username)}</userName>"
            "</userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"
        )
        return Response(xml, media_type="text/xml; charset=utf-8")

    return endpoint
