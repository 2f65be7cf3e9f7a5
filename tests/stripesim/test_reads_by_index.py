"""Writes that touch one customer's or one invoice's objects read those objects through the field
index (storage/field_index.py), never the bodies of every object of the kind the store keeps
(issue 17: no cost that grows with the store). Each test fills a --db store with other
customers' objects, traces the SQL of one request and checks that no statement read the bodies
of an indexed kind other than by id; the answer is checked as well."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import stripe

from tests.stripesim.test_sqlite_field_index import _running, _scans_of_indexed_documents


def _pending_item(client: stripe.StripeClient, customer: str, amount: int, invoice: str | None = None) -> Any:
    params: dict[str, Any] = {"customer": customer, "amount": amount, "currency": "usd", "description": "Gala table"}
    if invoice:
        params["invoice"] = invoice
    return client.v1.invoice_items.create(params=params)


def _others(client: stripe.StripeClient, count: int = 3) -> list[str]:
    """Other customers with pending items (their ids): what a scan would read and the index skips."""
    ids = []
    for n in range(count):
        ids.append(client.v1.customers.create(params={"email": f"other{n}@example.org"}).id)
        _pending_item(client, ids[-1], 1000 + n)
    return ids


@contextmanager
def _store_of_others(tmp_path: Path) -> Iterator[tuple[Any, stripe.StripeClient, list[str], list[str]]]:
    """A --db emulator holding other customers' pending items: (its admin view, a client, the SQL
    statements its connections run, the other customers' ids)."""
    statements: list[str] = []
    with _running(tmp_path / "stripe.db", statements) as running:
        client = running.stripe_client()
        yield running, client, statements, _others(client)


def test_an_invoice_that_includes_pending_items_reads_only_its_customers_items(tmp_path):
    with _store_of_others(tmp_path) as (_, client, statements, _):
        customer = client.v1.customers.create(params={"email": "payer@example.org"}).id
        mine = [_pending_item(client, customer, amount).id for amount in (2500, 4000)]
        statements.clear()
        invoice = client.v1.invoices.create(
            params={"customer": customer, "currency": "usd", "pending_invoice_items_behavior": "include"}
        )
    assert invoice.amount_due == 6500
    assert sorted(line.parent.invoice_item_details.invoice_item for line in invoice.lines.data) == sorted(mine)
    assert _scans_of_indexed_documents(statements) == []


def test_deleting_a_draft_invoice_reads_only_its_own_items(tmp_path):
    with _store_of_others(tmp_path) as (_, client, statements, _):
        customer = client.v1.customers.create(params={"email": "payer@example.org"}).id
        draft = client.v1.invoices.create(params={"customer": customer, "currency": "usd"})
        item = _pending_item(client, customer, 2500, invoice=draft.id)
        statements.clear()
        deleted = client.v1.invoices.delete(draft.id)
        scans = _scans_of_indexed_documents(statements)
        assert deleted.deleted is True
        # The draft's line went with it (https://docs.stripe.com/api/invoices/delete).
        with pytest.raises(stripe.InvalidRequestError, match="No such invoiceitem"):
            client.v1.invoice_items.retrieve(item.id)
    assert scans == []


def test_deleting_a_test_clock_reads_only_its_customers(tmp_path):
    with _store_of_others(tmp_path) as (_, client, statements, others):
        clock = client.v1.test_helpers.test_clocks.create(params={"frozen_time": 1_700_000_000})
        on_clock = client.v1.customers.create(params={"email": "clock@example.org", "test_clock": clock.id})
        statements.clear()
        client.v1.test_helpers.test_clocks.delete(clock.id)
        scans = _scans_of_indexed_documents(statements)
        assert client.v1.customers.retrieve(on_clock.id).to_dict().get("deleted") is True
        assert all(client.v1.customers.retrieve(id).to_dict().get("deleted") is None for id in others)
    assert scans == []


def test_pending_deliveries_are_listed_without_reading_the_delivered_ones(tmp_path, receiver):
    """`sfpay local up` asks for the pending deliveries at every start; the store keeps every
    delivery ever made. Pending ones live in their own kind (webhooks/worker.py), so the pending
    listing reads only those."""
    from tests.stripesim.test_webhooks import create_endpoint, lifecycle, wait_until

    statements: list[str] = []
    with _running(tmp_path / "stripe.db", statements) as running:
        client = running.stripe_client()
        create_endpoint(client, receiver, ["invoice.paid"])
        lifecycle(client)
        wait_until(lambda: len(running.admin.deliveries("succeeded")) == 1)
        statements.clear()
        assert running.admin.deliveries("pending") == []
        delivered = [sql for sql in statements if "kind='delivery_done'" in sql]
        assert [d["status"] for d in running.admin.deliveries()] == ["succeeded"]
    assert delivered == []
