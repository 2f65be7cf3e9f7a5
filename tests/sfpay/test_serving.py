"""Every server we run keeps idle connections open longer than the clients we ship keep them.

httpx drops a pooled connection after 5 s idle (`httpx.Limits().keepalive_expiry`,
https://www.python-httpx.org/advanced/resource-limits/) and uvicorn closed idle connections after
5 s too (its `timeout_keep_alive` default, https://www.uvicorn.org/settings/#timeouts). With equal
timers a request sent after about 5 s of quiet raced the server's close and failed with
"Connection reset by peer": `sfpay demo` lost scenario 23 that way (stripesim's admin client,
idle through scenario 22), and 60 clients idling 4.98-5.01 s against stripesim lost one.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import uvicorn

from sfpay import serving

CLIENT_IDLE_EXPIRY = httpx.Limits().keepalive_expiry


def _keeps_clients_idle_connections(config: uvicorn.Config) -> None:
    assert CLIENT_IDLE_EXPIRY is not None
    # Twice the client's expiry at least: a client's idle timer starts when it has read the
    # response, the server's when it sent it, and a loaded machine stretches the gap between them.
    assert config.timeout_keep_alive >= 2 * CLIENT_IDLE_EXPIRY, config.timeout_keep_alive


def test_a_server_in_a_thread_outlasts_the_clients_idle_expiry() -> None:
    from stripesim.running import start_sim

    with start_sim() as running:
        _keeps_clients_idle_connections(running.server.server.config)
        # The connection the admin client pooled is still the one it uses.
        running.admin.clock()
        running.admin.clock()


def test_the_org_server_outlasts_the_clients_idle_expiry(tmp_path: Path) -> None:
    from orgsim.server.running import uvicorn_config

    _keeps_clients_idle_connections(uvicorn_config(object(), 0, tmp_path / "cert.pem", tmp_path / "key.pem"))


def test_stripesim_serve_outlasts_the_clients_idle_expiry() -> None:
    _keeps_clients_idle_connections(uvicorn.Config(object(), **serving.server_options()))
