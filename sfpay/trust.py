"""TLS contexts that verify with a CA bundle file or an OpenSSL hashed CA folder.

Both the local stack's clients (its hashed folder, orgsim/server/tls.py) and the harness's
webhook posts (that folder, or a sandbox run's REQUESTS_CA_BUNDLE file) pass `verify=` as a
context: httpx builds a new client, and with it a new context, for every `httpx.get/post`.
"""

from __future__ import annotations

import functools
import os
import ssl


def verify_context(trust: str) -> ssl.SSLContext:
    """A verifying context for the CA file or folder `trust`, made as httpx makes one for a path.
    OpenSSL reads a hashed folder's certificates only when a verification looks one up, so its
    context costs well under a millisecond; a bundle file is parsed whole when the context is
    made (the public roots: ~145 certificates, 40-90 ms), so that context is made once per
    version of the file (path and modification time: a restarted stack rewrites it)."""
    if os.path.isdir(trust):
        return ssl.create_default_context(capath=trust)
    return _file_context(trust, os.stat(trust).st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _file_context(path: str, mtime_ns: int) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=path)
