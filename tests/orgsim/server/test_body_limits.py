"""Request body limits before reading (issue 14 #3): a body over an endpoint's ceiling gets
413 in that endpoint's error shape, before authentication and before the body arrives. Sent
over raw TLS sockets, so the test controls exactly what is sent and when it reads."""

from __future__ import annotations

import json
import socket
import ssl
import time
from urllib.parse import urlsplit

import pytest
from hostile_server import WEBHOOK_SECRET, start_hostile_server
from lxml import etree

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def hostile(tls_files):
    target, stop = start_hostile_server(tls_files)
    yield target
    stop()


def _connect(hostile) -> ssl.SSLSocket:
    url = urlsplit(hostile.base)
    context = ssl.create_default_context(capath=hostile.ca_certs)
    raw = socket.create_connection((url.hostname, url.port), timeout=20)
    return context.wrap_socket(raw, server_hostname=url.hostname)


def _read_response(conn: ssl.SSLSocket) -> tuple[int, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
        None,
    )
    while length is not None and len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, body


def _request_head(hostile, method: str, path: str, headers: dict[str, str]) -> bytes:
    host = urlsplit(hostile.base).netloc
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", *[f"{k}: {v}" for k, v in headers.items()], "", ""]
    return "\r\n".join(lines).encode()


ENDPOINTS = {
    # path, content type, needs a token?, the shape of the 413
    "webhook": ("/services/apexrest/stripeGC/webhook", "application/json", "listener"),
    "rest": ("/services/data/v66.0/sobjects/Account", "application/json", "rest"),
    "rest_deploy": ("/services/data/v66.0/metadata/deployRequest", "multipart/form-data; boundary=x", "rest"),
    "soap_login": ("/services/Soap/u/66.0", "text/xml", "soap"),
    "soap_deploy": ("/services/Soap/m/66.0", "text/xml", "soap"),
    "oauth": ("/services/oauth2/token", "application/x-www-form-urlencoded", "oauth"),
    "harness": ("/_orgsim/clock", "application/json", "rest"),
}


def _assert_shape(shape: str, body: bytes) -> None:
    if shape == "listener":
        assert "exceeds" in json.loads(body)["error"]["message"]
    elif shape == "rest":
        assert json.loads(body)[0]["errorCode"] == "EXCEEDED_MAX_SIZE_REQUEST"
    elif shape == "oauth":
        assert json.loads(body)["error"] == "invalid_request"
    else:
        fault = etree.fromstring(body)
        assert fault.xpath("string(//*[local-name()='exceptionCode'])") == "EXCEEDED_MAX_SIZE_REQUEST"


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_declared_oversize_body_is_refused_before_it_is_sent(hostile, endpoint):
    """Content-Length: 400 MB and not one byte of body: the answer comes at once (the server
    neither waits for nor reads the body), without a token."""
    path, content_type, shape = ENDPOINTS[endpoint]
    with _connect(hostile) as conn:
        conn.sendall(
            _request_head(hostile, "POST", path, {"Content-Type": content_type, "Content-Length": str(400 * MIB)})
        )
        started = time.monotonic()
        status, body = _read_response(conn)
    assert status == 413, body[:300]
    assert time.monotonic() - started < 5
    _assert_shape(shape, body)


def test_streamed_webhook_body_is_cut_at_the_limit(hostile):
    """The issue's attack: a 400 MB unauthenticated POST to the listener. Sent chunked (no
    Content-Length), the server answers 413 after a little over 1 MiB, while the client still
    has almost all of it to send."""
    path = ENDPOINTS["webhook"][0]
    chunk = b"x" * (64 * 1024)
    sent = 0
    with _connect(hostile) as conn:
        conn.sendall(
            _request_head(hostile, "POST", path, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        )
        try:
            while sent < 400 * MIB:
                conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
                if sent >= 4 * MIB:
                    break  # the server has answered by now; stop writing and read
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass
        status, body = _read_response(conn)
    assert status == 413
    _assert_shape("listener", body)
    assert hostile.org.select("stripeGC__Stripe_Event__c", ["Id"]) == []


def test_a_body_under_the_limit_is_read(hostile):
    """900 kB signed: under the listener's 1 MiB, so it is verified and handed to the org,
    which cannot store it (stripeGC__Request_Body__c holds 131,072 characters): 500, so Stripe
    retries; never a 2xx for what was not stored (issue 14 #8)."""
    event = {
        "id": "evt_900k",
        "type": "invoice.paid",
        "data": {"object": {"id": "in_1", "object": "invoice", "description": "x" * 900_000}},
    }
    body = json.dumps(event).encode()
    response = hostile.send("POST", ENDPOINTS["webhook"][0], body=body, signed=True)
    assert response.status_code == 500 and response.json()["error"]["code"] == "STRING_TOO_LONG"
    assert WEBHOOK_SECRET not in response.text


def test_an_endless_header_is_refused_before_it_is_buffered(hostile):
    """The head of a request is bounded too (docs/security.md: below Salesforce's 16,384 bytes):
    a header value of 256 KiB still not ended is refused at once, not buffered while the server
    waits for its end. Pins the HTTP implementation the server runs: uvicorn with httptools has
    no bound on a header (it buffered 200 MB of one), h11 refuses past 16 KiB."""
    conn = _connect(hostile)
    conn.settimeout(5)
    try:
        conn.sendall(_request_head(hostile, "GET", "/_orgsim/health", {})[:-2] + b"X-Endless: " + b"a" * 262144)
        status, _ = _read_response(conn)
    except TimeoutError:
        pytest.fail("the server is still reading a 256 KiB header")
    except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
        status = 400  # refused and closed before the answer could be read
    finally:
        conn.close()
    assert status in (400, 431)
