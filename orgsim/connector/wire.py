"""A lean HTTP/1.1 client for connector callouts to a plain-HTTP Stripe API base (stripesim on
loopback): one keep-alive socket per calling thread, the request written in one send and the
answer parsed from the socket's bytes.

Why not the stripe SDK here: per callout it builds client user-agent telemetry, httpx request
and response models and a StripeObject tree the connector then throws away (about 3 ms of CPU
per callout, profiled in issue 17). Why not http.client either: it parses every response's
headers with the email package's feed parser and reads through a buffered file object, which
was the largest part of the org's CPU per callout once the SDK was gone (issue 17 profile). What
Stripe sees is the same as from the SDK: the form body encoded by the SDK's own encoder, Bearer
auth, `Stripe-Version`, and an `Idempotency-Key` on every POST (the SDK generates one when the
caller gives none: stripe/_api_requestor.py `request_headers`). HTTPS bases (Stripe itself) keep
using the SDK (TLS, proxies and retries are its business).

Responses: a `Content-Length` body, a `Transfer-Encoding: chunked` body, or (without either) a
body that ends when the server closes the connection (RFC 9112 section 6.3); 1xx interim
answers are skipped.
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from urllib.parse import urlencode, urlsplit

USER_AGENT = "orgsim-connector"
MAX_HEAD_BYTES = 64 * 1024  # status line and headers of one response
MAX_BODY_BYTES = 64 * 1024 * 1024  # a Stripe object or list page is far smaller
_RECV = 256 * 1024


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
    """One socket and the bytes read from it but not yet consumed."""

    __slots__ = ("sock", "buf")

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = bytearray()

    def fill(self) -> bool:
        """Read what the socket has; False when the peer closed it."""
        data = self.sock.recv(_RECV)
        if not data:
            return False
        self.buf += data
        return True

    def read_exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self.fill():
                raise WireError("connection closed in the middle of a response body")
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def read_line(self) -> bytes:
        while True:
            end = self.buf.find(b"\r\n")
            if end >= 0:
                line = bytes(self.buf[:end])
                del self.buf[: end + 2]
                return line
            if len(self.buf) > MAX_HEAD_BYTES:
                raise WireError("response line too long")
            if not self.fill():
                raise WireError("connection closed in the middle of a response")

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
        self._fixed = (
            f"Host: {self.host}:{self.port}\r\n"
            "Accept-Encoding: identity\r\n"
            f"Authorization: Bearer {api_key}\r\n"
            f"Stripe-Version: {api_version}\r\n"
            f"User-Agent: {USER_AGENT}\r\n"
        ).encode("latin-1")
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
        extra = ""
        if method == "POST":
            body = encoded.encode()
            extra = (
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Idempotency-Key: {idempotency_key or uuid.uuid4()}\r\n"
            )
        elif encoded:
            target += "?" + encoded
        message = b"".join(
            (
                f"{method} {target} HTTP/1.1\r\n".encode("latin-1"),
                self._fixed,
                f"{extra}Content-Length: {len(body)}\r\n\r\n".encode("latin-1"),
                body,
            )
        )
        # A keep-alive connection the server closed while idle fails on first use; one retry on a
        # fresh connection is safe: a POST carries its Idempotency-Key, so Stripe runs it once.
        for attempt in (1, 2):
            conn = None
            try:
                conn = self._connection()
                conn.sock.sendall(message)
                status, will_close, data = self._read_response(conn, method)
            except (_Closed, ConnectionResetError, BrokenPipeError) as exc:
                self._drop()
                if attempt == 2:
                    raise WireError(str(exc) or "Remote end closed connection without response") from None
                continue
            except WireError:
                self._drop()
                raise
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                self._drop()
                raise WireError(str(exc) or type(exc).__name__) from None
            if will_close:
                self._drop()
            return WireResponse(status, data)
        raise AssertionError("unreachable")

    @staticmethod
    def _read_response(conn: _Connection, method: str) -> tuple[int, bool, bytes]:
        while True:
            while True:
                end = conn.buf.find(b"\r\n\r\n")
                if end >= 0:
                    break
                if len(conn.buf) > MAX_HEAD_BYTES:
                    raise WireError("response headers too long")
                if not conn.fill():
                    if conn.buf:
                        raise WireError("connection closed in the middle of a response")
                    raise _Closed()
            head = bytes(conn.buf[:end]).decode("latin-1")
            del conn.buf[: end + 4]
            lines = head.split("\r\n")
            version, _, rest = lines[0].partition(" ")
            code = rest[:3]
            if not version.startswith("HTTP/") or not code.isdigit():
                raise WireError(f"not an HTTP response: {lines[0][:80]!r}")
            status = int(code)
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, sep, value = line.partition(":")
                if not sep:
                    raise WireError(f"malformed response header: {line[:80]!r}")
                headers[name.strip().lower()] = value.strip()
            if 100 <= status < 200:
                continue  # an interim answer (100 Continue): the real one follows
            break
        connection = headers.get("connection", "").lower()
        will_close = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
        if method == "HEAD" or status in (204, 304):
            return status, will_close, b""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return status, will_close, _read_chunked(conn)
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit() or int(length) > MAX_BODY_BYTES:
                raise WireError(f"unusable Content-Length {length[:40]!r}")
            return status, will_close, conn.read_exactly(int(length))
        # No length: the body runs to the end of the connection.
        while conn.fill():
            if len(conn.buf) > MAX_BODY_BYTES:
                raise WireError("response body too large")
        data = bytes(conn.buf)
        conn.buf.clear()
        return status, True, data


def _read_chunked(conn: _Connection) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_line = conn.read_line().split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError:
            raise WireError(f"malformed chunk size {size_line[:40]!r}") from None
        if size == 0:
            while conn.read_line():  # trailer fields, up to the empty line
                pass
            return b"".join(parts)
        total += size
        if total > MAX_BODY_BYTES:
            raise WireError("response body too large")
        parts.append(conn.read_exactly(size))
        if conn.read_exactly(2) != b"\r\n":
            raise WireError("malformed chunked body")
