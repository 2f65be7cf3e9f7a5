"""A lean HTTP/1.1 client for connector callouts to a plain-HTTP Stripe API base (stripesim on
loopback): one keep-alive socket per calling thread, HTTP/1.1 framing by h11.

Why not the stripe SDK here: per callout it builds client user-agent telemetry, httpx request
and response models and a StripeObject tree the connector then throws away (about 3 ms of CPU
per callout, profiled in issue 17). Why not http.client either: it parses every response's
headers with the email package's feed parser and reads through a buffered file object, which
was the largest part of the org's CPU per callout once the SDK was gone (issue 17 profile). What
Stripe sees is the same as from the SDK: the form body encoded by the SDK's own encoder, Bearer
auth, `Stripe-Version`, and an `Idempotency-Key` on every POST (the SDK generates one when the
caller gives none: stripe/_api_requestor.py `request_headers`). HTTPS bases (Stripe itself) keep
using the SDK (TLS, proxies and retries are its business).

Framing is h11's (https://h11.readthedocs.io/en/latest/api.html): it writes the request, reads
`Content-Length`, chunked and close-delimited bodies (RFC 9112 section 6.3), reports 1xx interim
answers as `InformationalResponse` (skipped here), and says through `our_state`/`their_state`
whether the connection may carry the next request (`start_next_cycle()`) or must be closed.
h11 caps an incomplete head at `max_incomplete_event_size`; the body cap is ours.
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from urllib.parse import urlencode, urlsplit

import h11

USER_AGENT = "orgsim-connector"
MAX_HEAD_BYTES = 64 * 1024  # status line and headers of one response
MAX_BODY_BYTES = 64 * 1024 * 1024  # a Stripe object or list page is far smaller
# Bytes asked of one recv(): CPython allocates the whole size for each call and then shrinks
# it; at 256 KiB (above glibc's 128 KiB mmap threshold) every recv paid an mmap/munmap pair,
# ~15-20 us of CPU per call measured on this machine, for answers of a few KiB. A larger body
# simply takes more recv calls.
_RECV = 64 * 1024
_FORM = (b"Content-Type", b"application/x-www-form-urlencoded")


class WireError(Exception):
    """No HTTP answer (connection refused, reset, timed out, not HTTP)."""


class _Closed(Exception):
    """The server closed a kept-alive connection before answering (safe to retry once)."""


class WireResponse:
    __slots__ = ("status", "body")

    def __init__(self, status: int, body: bytes):
        self.status = status
        self.body = body

    def json(self):
        return json.loads(self.body)


class _Connection:
    """One socket and h11's state machine for it."""

    __slots__ = ("sock", "h11")

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD_BYTES)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class LeanHttp:
    def __init__(self, api_base: str, api_key: str, api_version: str, timeout: float = 80.0):
        parts = urlsplit(api_base)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"LeanHttp serves plain-HTTP bases only, not {api_base!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout  # the SDK's default request timeout (80 s)
        # Every request's fixed headers, encoded once.
        self._fixed: list[tuple[bytes, bytes]] = [
            (b"Host", f"{self.host}:{self.port}".encode("latin-1")),
            (b"Accept-Encoding", b"identity"),
            (b"Authorization", f"Bearer {api_key}".encode("latin-1")),
            (b"Stripe-Version", api_version.encode("latin-1")),
            (b"User-Agent", USER_AGENT.encode("latin-1")),
        ]
        self._local = threading.local()

    def _connection(self) -> _Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = self._local.conn = _Connection(sock)
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def close(self) -> None:
        self._drop()

    def request(self, method: str, path: str, params: dict, idempotency_key: str | None) -> WireResponse:
        from stripe._encode import _api_encode  # the SDK's form encoding, so the wire format is its

        method = method.upper()
        encoded = urlencode(list(_api_encode(params))) if params else ""
        target = self.prefix + path
        body = b""
        headers = list(self._fixed)
        if method == "POST":
            body = encoded.encode()
            headers.append(_FORM)
            headers.append((b"Idempotency-Key", str(idempotency_key or uuid.uuid4()).encode("latin-1")))
        elif encoded:
            target += "?" + encoded
        # Every request states its length (0 without a body), as before h11 and as the SDK does.
        headers.append((b"Content-Length", str(len(body)).encode("ascii")))
        request = h11.Request(method=method, target=target, headers=headers)
        # A keep-alive connection the server closed while idle fails on first use; one retry on a
        # fresh connection is safe: a POST carries its Idempotency-Key, so Stripe runs it once.
        for attempt in (1, 2):
            conn = None
            try:
                conn = self._connection()
                message = conn.h11.send(request) + (conn.h11.send(h11.Data(data=body)) if body else b"")
                conn.h11.send(h11.EndOfMessage())
                conn.sock.sendall(message)
                status, data = _read_response(conn)
            except (_Closed, ConnectionResetError, BrokenPipeError) as exc:
                self._drop()
                if attempt == 2:
                    raise WireError(str(exc) or "Remote end closed connection without response") from None
                continue
            except WireError:
                self._drop()
                raise
            except (OSError, ValueError, UnicodeDecodeError, h11.LocalProtocolError) as exc:
                self._drop()
                raise WireError(str(exc) or type(exc).__name__) from None
            if conn.h11.our_state is h11.DONE and conn.h11.their_state is h11.DONE:
                conn.h11.start_next_cycle()  # kept alive for this thread's next callout
            else:
                self._drop()  # MUST_CLOSE / CLOSED: the server ends the connection
            return WireResponse(status, data)
        raise AssertionError("unreachable")


def _read_response(conn: _Connection) -> tuple[int, bytes]:
    """The final response's status and body; h11's protocol errors as WireErrors in our words."""
    machine = conn.h11
    status = 0  # 0 until the final response head arrived
    received = False  # any byte of this answer: an EOF before the first one is a stale connection
    parts: list[bytes] = []
    total = 0
    while True:
        try:
            event = machine.next_event()
        except h11.RemoteProtocolError as exc:
            raise _wire_error(exc, status) from None
        if event is h11.NEED_DATA:
            data = conn.sock.recv(_RECV)
            if not data and not received:
                raise _Closed()
            received = True
            machine.receive_data(data)  # b"" tells h11 the peer closed (ends a close-delimited body)
        elif isinstance(event, h11.Response):
            status = event.status_code
            # Refuse a declared oversized body before reading it. raw_items() is one list
            # comprehension; iterating the Headers sequence itself goes item by item through
            # __getitem__. Names as received, so compared case-insensitively.
            for name, value in event.headers.raw_items():
                if name.lower() == b"content-length" and int(value) > MAX_BODY_BYTES:
                    raise WireError("response body too large")
        elif isinstance(event, h11.Data):
            total += len(event.data)
            if total > MAX_BODY_BYTES:
                raise WireError("response body too large")
            parts.append(event.data)
        elif isinstance(event, h11.EndOfMessage):
            return status, b"".join(parts)
        # InformationalResponse (1xx): the final answer follows; nothing else precedes EndOfMessage.


def _wire_error(exc: h11.RemoteProtocolError, status: int) -> WireError:
    text = str(exc)
    if text == "Receive buffer too long":
        return WireError("response headers too long")
    if text.startswith("peer closed connection") or (status and text == "peer unexpectedly closed connection"):
        return WireError(f"connection closed in the middle of a response body ({text})")
    if text == "peer unexpectedly closed connection":
        return WireError("connection closed in the middle of a response")
    if not status:
        return WireError(f"not an HTTP response: {text[:120]}")
    return WireError(f"malformed HTTP response: {text[:120]}")
