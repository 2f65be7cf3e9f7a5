"""A lean HTTP/1.1 client for connector callouts to a plain-HTTP Stripe API base (stripesim on
loopback): one keep-alive connection per calling thread, the request written in one send.

Why not the stripe SDK here: per callout it builds client user-agent telemetry, httpx request
and response models and a StripeObject tree the connector then throws away (about 3 ms of CPU
per callout, profiled in issue 17), and httpx writes headers and body in separate sends. What
Stripe sees is the same as from the SDK: the form body encoded by the SDK's own encoder, Bearer
auth, `Stripe-Version`, and an `Idempotency-Key` on every POST (the SDK generates one when the
caller gives none: stripe/_api_requestor.py `request_headers`). HTTPS bases (Stripe itself) keep
using the SDK (TLS, proxies and retries are its business).
"""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from urllib.parse import urlencode, urlsplit

USER_AGENT = "orgsim-connector"


class WireError(Exception):
    """No HTTP answer (connection refused, reset, timed out)."""


class WireResponse:
    __slots__ = ("status", "body")

    def __init__(self, status: int, body: bytes):
        self.status = status
        self.body = body

    def json(self):
        return json.loads(self.body)


class _OneSendConnection(http.client.HTTPConnection):
    """http.client sends the head and a bytes body in two sends; the peer then wakes twice per
    request. Head and body go out in one send here (the body is always small form data)."""

    def _send_output(self, message_body=None, encode_chunked=False):
        if isinstance(message_body, bytes):
            self._buffer.extend((b"", b""))
            message = b"\r\n".join(self._buffer) + message_body
            del self._buffer[:]
            self.send(message)
            return
        super()._send_output(message_body, encode_chunked)


class LeanHttp:
    def __init__(self, api_base: str, api_key: str, api_version: str, timeout: float = 80.0):
        parts = urlsplit(api_base)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"LeanHttp serves plain-HTTP bases only, not {api_base!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout  # the SDK's default request timeout (80 s)
        self._headers = {
            "Authorization": f"Bearer {api_key}",
            "Stripe-Version": api_version,
            "User-Agent": USER_AGENT,
            "Host": f"{self.host}:{self.port}",
        }
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _OneSendConnection(self.host, self.port, timeout=self.timeout)
            self._local.conn = conn
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
        headers = dict(self._headers)
        body = None
        target = self.prefix + path
        if method == "POST":
            body = encoded.encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        elif encoded:
            target += "?" + encoded
        headers["Content-Length"] = str(len(body or b""))
        # A keep-alive connection the server closed while idle fails on first use; one retry on a
        # fresh connection is safe: a POST carries its Idempotency-Key, so Stripe runs it once.
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, target, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self._drop()
                if attempt == 2:
                    raise WireError(str(exc) or type(exc).__name__) from None
                continue
            except (OSError, http.client.HTTPException) as exc:
                self._drop()
                raise WireError(str(exc) or type(exc).__name__) from None
            if response.will_close:
                self._drop()
            return WireResponse(response.status, data)
        raise AssertionError("unreachable")
