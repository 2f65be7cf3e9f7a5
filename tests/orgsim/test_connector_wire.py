"""The connector's lean HTTP client (orgsim/connector/wire.py) against a raw loopback server
that answers with each framing HTTP/1.1 allows: Content-Length, chunked, close-delimited, an
interim 100 answer, and a kept-alive connection the server closed while idle."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from orgsim.connector.wire import LeanHttp, WireError

OK_JSON = b'{"id": "cus_1", "object": "customer"}'


class RawServer:
    """Accepts connections; for each request read, sends the next canned answer of `script`.
    `None` in the script closes the connection instead of answering."""

    def __init__(self, script: list[bytes | None]):
        self.script = list(script)
        self.requests: list[bytes] = []
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.script:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                buf = b""
                while self.script:
                    while b"\r\n\r\n" not in buf:
                        data = conn.recv(65536)
                        if not data:
                            break
                        buf += data
                    if b"\r\n\r\n" not in buf:
                        break
                    head, _, buf = buf.partition(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n")[1:]:
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value)
                    while len(buf) < length:
                        buf += conn.recv(65536)
                    body, buf = buf[:length], buf[length:]
                    self.requests.append(head + b"\r\n\r\n" + body)
                    answer = self.script.pop(0)
                    if answer is None:
                        break  # close without answering
                    conn.sendall(answer)
                    if b"Connection: close" in answer or b"Content-Length" not in answer and b"chunked" not in answer:
                        break

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def serve() -> Iterator:
    servers: list[RawServer] = []

    def start(*script: bytes | None) -> tuple[RawServer, LeanHttp]:
        server = RawServer(list(script))
        servers.append(server)
        return server, LeanHttp(f"http://127.0.0.1:{server.port}", "sk_test_wire", "2025-04-30.basil", timeout=5)

    yield start
    for server in servers:
        server.close()


def _answer(body: bytes, status: str = "200 OK", extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


def test_request_on_the_wire_is_what_stripe_expects(serve):
    server, http = serve(_answer(OK_JSON))
    response = http.request("POST", "/v1/customers", {"name": "A B", "metadata": {"k": "v"}}, "key-1")
    assert response.status == 200 and response.json()["id"] == "cus_1"
    head, _, body = server.requests[0].partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /v1/customers HTTP/1.1"
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    assert headers["authorization"] == "Bearer sk_test_wire"
    assert headers["stripe-version"] == "2025-04-30.basil"
    assert headers["idempotency-key"] == "key-1"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert int(headers["content-length"]) == len(body)
    assert body == b"name=A+B&metadata[k]=v".replace(b"[", b"%5B").replace(b"]", b"%5D")


def test_get_puts_params_in_the_query_and_a_post_without_key_gets_one(serve):
    server, http = serve(_answer(OK_JSON), _answer(OK_JSON))
    http.request("GET", "/v1/customers/cus_1", {"expand": ["x"]}, None)
    http.request("POST", "/v1/customers", {}, None)
    first, second = (r.split(b"\r\n") for r in server.requests)
    assert first[0] == b"GET /v1/customers/cus_1?expand%5B0%5D=x HTTP/1.1"
    assert not any(line.lower().startswith(b"idempotency-key") for line in first)
    assert any(line.lower().startswith(b"idempotency-key: ") and len(line) > 20 for line in second)
    assert server.connections == 1  # kept alive


def test_chunked_body_with_extensions_and_trailer(serve):
    chunks = OK_JSON[:10], OK_JSON[10:]
    answer = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"".join(f"{len(c):x};ext=1\r\n".encode() + c + b"\r\n" for c in chunks)
        + b"0\r\nX-Trailer: yes\r\n\r\n"
    )
    _server, http = serve(answer, _answer(b'{"n": 2}'))
    assert http.request("GET", "/v1/a", {}, None).json()["id"] == "cus_1"
    assert http.request("GET", "/v1/b", {}, None).json() == {"n": 2}  # the connection stays usable


def test_body_delimited_by_close_and_interim_answer(serve):
    interim = b"HTTP/1.1 100 Continue\r\n\r\n"
    _server, http = serve(interim + b"HTTP/1.0 402 Payment Required\r\n\r\n" + OK_JSON)
    response = http.request("POST", "/v1/invoices/in_1/pay", {}, "k")
    assert response.status == 402 and response.body == OK_JSON


def test_idle_connection_closed_by_the_server_is_retried_once_on_a_new_one(serve):
    server, http = serve(_answer(OK_JSON), None, _answer(b'{"again": true}'))
    http.request("GET", "/v1/a", {}, None)
    assert http.request("POST", "/v1/b", {}, "k").json() == {"again": True}
    assert server.connections == 2
    assert server.requests[1] == server.requests[2]  # the same request, the same Idempotency-Key


def test_truncated_or_garbled_answers_are_wire_errors(serve):
    _server, http = serve(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"id"')
    with pytest.raises(WireError, match="middle of a response body"):
        http.request("GET", "/v1/a", {}, None)
    _server, http = serve(b"SMTP ready\r\n\r\n")
    with pytest.raises(WireError, match="not an HTTP response"):
        http.request("GET", "/v1/a", {}, None)


def test_oversized_head_and_body_are_wire_errors(serve, monkeypatch):
    from orgsim.connector import wire

    # A head still unfinished past the cap (the cap bounds what is buffered before the head ends).
    _server, http = serve(b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * (2 * wire.MAX_HEAD_BYTES))
    with pytest.raises(WireError, match="response headers too long"):
        http.request("GET", "/v1/a", {}, None)
    monkeypatch.setattr(wire, "MAX_BODY_BYTES", len(OK_JSON) - 1)
    _server, http = serve(_answer(OK_JSON))
    with pytest.raises(WireError, match="response body too large"):
        http.request("GET", "/v1/a", {}, None)


def test_declared_oversized_body_is_refused_from_the_head_whatever_the_name_case(serve, monkeypatch):
    # The Content-Length check reads the header names as received (raw_items), so it must not
    # depend on their case; the body never arrives, so only the head can refuse it.
    from orgsim.connector import wire

    monkeypatch.setattr(wire, "MAX_BODY_BYTES", 10)
    for name in (b"Content-Length", b"CONTENT-LENGTH", b"content-length"):
        _server, http = serve(b"HTTP/1.1 200 OK\r\n" + name + b": 11\r\n\r\n")
        with pytest.raises(WireError, match="response body too large"):
            http.request("GET", "/v1/a", {}, None)
