"""A response's head and body leave the server in one write (issue 17): uvicorn's h11 protocol
writes them separately, and each separate write was a system call and a TCP segment of its own
(and a second wake-up of the client reading the head first)."""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

import pytest

from sfpay import serving


class RecordingTransport(asyncio.Transport):
    """asyncio's transport interface, keeping what each write call was given."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.calls: list[str] = []
        self.closing = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))
        self.calls.append("write")

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.calls.append("close")
        self.closing = True

    def write_eof(self) -> None:
        self.calls.append("write_eof")

    def abort(self) -> None:
        self.calls.append("abort")
        self.closing = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)


def _run(steps) -> RecordingTransport:
    async def main() -> RecordingTransport:
        inner = RecordingTransport()
        outer = serving._OneWritePerStep(inner, asyncio.get_running_loop())
        await steps(outer)
        return inner

    # In a thread of its own: the worker's main thread may hold a running loop already (the
    # browser tests' session-wide Playwright sync API keeps one), where asyncio.run refuses.
    done: dict[str, Any] = {}

    def run() -> None:
        try:
            done["inner"] = asyncio.run(main())
        except BaseException as exc:  # re-raised in the test's thread
            done["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in done:
        raise done["error"]
    return done["inner"]


def test_the_writes_of_one_step_go_out_as_one_in_order() -> None:
    async def steps(transport) -> None:
        transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        transport.write(b"{}")
        transport.write(b"")  # h11's EndOfMessage of a Content-Length body
        assert transport.get_write_buffer_size() == 40
        await asyncio.sleep(0)
        transport.write(b"next")
        await asyncio.sleep(0)

    inner = _run(steps)
    assert inner.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}", b"next"]


def test_close_and_write_eof_send_what_is_buffered_first_and_abort_drops_it() -> None:
    async def close(transport) -> None:
        transport.write(b"head")
        transport.close()
        await asyncio.sleep(0)

    async def eof(transport) -> None:
        transport.write(b"head")
        transport.write_eof()

    async def abort(transport) -> None:
        transport.write(b"head")
        transport.abort()
        await asyncio.sleep(0)

    assert _run(close).calls == ["write", "close"]
    assert _run(eof).calls == ["write", "write_eof"]
    assert _run(abort).calls == ["abort"]
    assert _run(abort).writes == []


def test_every_server_runs_h11_through_one_write_per_step() -> None:
    options = serving.server_options()
    if serving.http_implementation() != "h11":
        pytest.skip("the server runs another HTTP implementation ($SFPAY_SERVER_HTTP)")
    assert options["http"].__name__ == "H11OneWritePerStep"


def test_a_running_server_answers_in_one_segment_per_response() -> None:
    """End to end over loopback: one recv per response on a kept-alive connection."""
    from stripesim.config import DEFAULT_API_KEY
    from stripesim.running import start_sim

    with start_sim() as running:
        port = int(running.base_url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            request = (
                f"GET /v1/customers?limit=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Authorization: Bearer {DEFAULT_API_KEY}\r\n\r\n"
            ).encode()
            for _ in range(3):
                sock.sendall(request)
                answer = sock.recv(1 << 16)
                head, _, body = answer.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                assert len(body) == length, "the body did not come with the head"
