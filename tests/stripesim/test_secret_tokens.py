"""Secret tokens (hosted invoice page tokens, webhook signing secrets) come from the OS's
CSPRNG in one read each, alphanumerics only, every character of the alphabet in use."""

from __future__ import annotations

import random
import string
from collections import Counter

import pytest

from stripesim import ids


def test_a_secret_token_is_one_read_of_the_os_csprng(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []
    urandom = random._urandom  # type: ignore[attr-defined]  # what secrets' SystemRandom reads

    def counted(n: int) -> bytes:
        reads.append(n)
        return urandom(n)

    monkeypatch.setattr(random, "_urandom", counted)
    token = ids.new_id("hosted_token")
    assert token.startswith("test_") and len(token) == len("test_") + 24
    assert reads and len(reads) <= 2, f"{len(reads)} reads of the OS's random source for one token"


def test_secret_tokens_use_the_whole_alphabet_evenly() -> None:
    alphabet = set(string.ascii_letters + string.digits)
    counts = Counter("".join(ids.random_token(24) for _ in range(3000)))
    assert set(counts) == alphabet
    expected = 3000 * 24 / len(alphabet)  # 1161 each
    assert all(0.8 * expected < n < 1.2 * expected for n in counts.values()), counts.most_common(3)


def test_webhook_secrets_keep_their_shape() -> None:
    secret = ids.new_id("webhook_secret", 32)
    assert secret.startswith("whsec_") and len(secret) == len("whsec_") + 32 and secret[6:].isalnum()
