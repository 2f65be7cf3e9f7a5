"""An index of the fields lists and search filter on, so a filtered page or a selective search
reads only the documents that can match (issue 17: cost independent of the number stored).

For each (account, kind, field, value) it keeps the documents' insertion sequences (the
position lists page by, storage/__init__.py) in order. Values are kept lower-cased, as
text: search matches case-insensitively (resources/search.py) and a list filter that is exact
re-checks each candidate with its own test, so the index only ever narrows what is read and
never decides a match. Each backend keeps it with its documents and writes it with them:
`FieldIndex` here for the memory backend (it starts empty, so there is nothing to rebuild),
a postings table for SQLite (storage/sqlite_field_index.py), so opening a store decodes no
document for it.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

# kind -> the stored fields a list filter or a search clause reads (resources/*.py: `keep`, SEARCHABLE)
FIELDS: dict[str, tuple[str, ...]] = {
    "customer": ("email", "name", "phone", "description", "test_clock"),
    "invoice": ("customer", "status", "number", "currency", "collection_method", "description"),
    "invoiceitem": ("customer", "invoice"),
    "event": ("type",),
    # /_sim/sent_emails filters (resources/sent_emails.py): the harness asks for one invoice's
    # or customer's messages after each send, on stores that keep every message ever sent.
    "sent_email": ("to", "invoice", "customer"),
}
# kinds whose search takes `metadata['key']:'value'`
METADATA_KINDS = frozenset({"customer", "invoice"})

# field -> normalised value, for one document
Entry = dict[str, str]


def normalised(value: Any) -> str:
    return str(value).lower()


def metadata_field(key: str) -> str:
    return f"metadata[{key}]"


def entry_of(kind: str, doc: dict[str, Any]) -> Entry | None:
    """The indexed fields of `doc` (None: its kind is not indexed)."""
    fields = FIELDS.get(kind)
    if fields is None:
        return None
    entry = {field: normalised(doc[field]) for field in fields if doc.get(field) is not None}
    if kind in METADATA_KINDS:
        for key, value in (doc.get("metadata") or {}).items():
            if value is not None:
                entry[metadata_field(key)] = normalised(value)
    return entry


class FieldLookup(Protocol):
    def ids(
        self, account: str, kind: str, keys: Iterable[tuple[str, str]], start: int | None, newest_first: bool
    ) -> Iterator[tuple[int, str]]:
        """(seq, id) of documents with any of the (field, value) `keys` (values normalised
        here), each once, from position `start` (excluded) on, newest or oldest first, read
        lazily: O(log n) to the first."""


def merged(runs: list[Iterator[tuple[int, str]]], newest_first: bool) -> Iterator[tuple[int, str]]:
    """One run per key, each in `newest_first` order, merged; a document in several runs once."""
    if len(runs) == 1:
        return runs[0]
    return _distinct(heapq.merge(*runs, reverse=newest_first))


class FieldIndex:
    """The memory backend's field index (storage/memory.py keeps it current)."""

    def __init__(self) -> None:
        # (account, kind, field, value) -> [(seq, id)] in insertion order
        self._postings: dict[tuple[str, str, str, str], list[tuple[int, str]]] = {}
        # (account, kind, id) -> (seq, the entry it is indexed under)
        self._docs: dict[tuple[str, str, str], tuple[int, Entry]] = {}

    def put(self, account: str, kind: str, id: str, seq: int, entry: Entry) -> None:
        """Index (or re-index) a stored document at its position `seq`."""
        old = self._docs.get((account, kind, id))
        if old is not None:
            if old[1] == entry:
                return
            self.remove(account, kind, id)
        self._docs[(account, kind, id)] = (seq, entry)
        for field, value in entry.items():
            postings = self._postings.setdefault((account, kind, field, value), [])
            if not postings or postings[-1][0] < seq:
                postings.append((seq, id))  # the common case: a new document is the newest
            else:
                bisect.insort(postings, (seq, id))

    def remove(self, account: str, kind: str, id: str) -> None:
        old = self._docs.pop((account, kind, id), None)
        if old is None:
            return
        seq, entry = old
        for field, value in entry.items():
            postings = self._postings[(account, kind, field, value)]
            pos = bisect.bisect_left(postings, (seq, id))
            if pos < len(postings) and postings[pos] == (seq, id):
                del postings[pos]
            if not postings:
                del self._postings[(account, kind, field, value)]

    def ids(
        self, account: str, kind: str, keys: Iterable[tuple[str, str]], start: int | None, newest_first: bool
    ) -> Iterator[tuple[int, str]]:
        """See FieldLookup.ids."""
        runs = [
            self._from(self._postings.get((account, kind, field, normalised(value)), []), start, newest_first)
            for field, value in sorted(set(keys))
        ]
        return merged(runs, newest_first)

    @staticmethod
    def _from(postings: list[tuple[int, str]], start: int | None, newest_first: bool) -> Iterator[tuple[int, str]]:
        if newest_first:
            end = len(postings) if start is None else bisect.bisect_left(postings, (start, ""))
            for pos in range(end - 1, -1, -1):
                yield postings[pos]
        else:
            begin = 0 if start is None else bisect.bisect_right(postings, (start, "\U0010ffff"))
            for pos in range(begin, len(postings)):
                yield postings[pos]


def _distinct(merged: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    last: int | None = None
    for seq, id in merged:
        if seq != last:
            yield seq, id
            last = seq
