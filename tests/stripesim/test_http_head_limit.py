"""The head of a request is bounded before it is buffered (docs/security.md), as the bodies are:
a header value of 256 KiB not yet ended is refused at once. uvicorn with httptools has no such
bound (it buffered 200 MB of one header); the emulator names h11 so an installed httptools
cannot switch it silently (uvicorn's default, "auto", would)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest


def test_an_endless_header_is_refused_before_it_is_buffered(sim):
    url = urlsplit(sim.base_url)
    conn = socket.create_connection((url.hostname, url.port), timeout=5)
    head = f"GET /v1/customers HTTP/1.1\r\nHost: {url.netloc}\r\nX-Endless: ".encode()
    try:
        conn.sendall(head + b"a" * 262144)
        answer = conn.recv(65536)
    except TimeoutError:
        pytest.fail("the emulator is still reading a 256 KiB header")
    except (ConnectionResetError, BrokenPipeError):
        answer = b"HTTP/1.1 400"  # refused and closed before the answer could be read
    finally:
        conn.close()
    assert answer.split(b" ", 2)[1] in (b"400", b"431"), answer[:200]
