"""Lists and search read through a field index (storage/field_index.py, issue 17): what they
answer must stay what a filter over every stored object answers, as values change, objects are
deleted and the emulator restarts from its SQLite file. Each test runs on both backends: the
memory one's index lives in memory, the SQLite one's in its database."""

from __future__ import annotations

import pytest

from stripesim import start_sim
from tests.stripesim.conftest import fast_config


@pytest.fixture(params=["memory", "sqlite"])
def client(request, tmp_path):
    if request.param == "memory":
        yield request.getfixturevalue("sim").stripe_client()
        return
    with start_sim(fast_config(db_path=str(tmp_path / "stripe.db"))) as running:
        yield running.stripe_client()


def _ids(page) -> list[str]:
    return [obj.id for obj in page.data]


def test_an_invoice_moves_between_status_lists_as_its_status_changes(client):
    customer = client.v1.customers.create(params={"email": "status@example.org"})
    invoice = client.v1.invoices.create(params={"customer": customer.id, "auto_advance": False})
    client.v1.invoice_items.create(
        params={"customer": customer.id, "invoice": invoice.id, "amount": 500, "currency": "usd"}
    )
    assert invoice.id in _ids(client.v1.invoices.list(params={"status": "draft"}))
    client.v1.invoices.finalize_invoice(invoice.id)
    assert invoice.id not in _ids(client.v1.invoices.list(params={"status": "draft"}))
    assert _ids(client.v1.invoices.list(params={"status": "open"})) == [invoice.id]
    assert _ids(client.v1.invoices.list(params={"customer": customer.id, "status": "open"})) == [invoice.id]


def test_a_customers_invoices_page_newest_first_with_cursors(client):
    mine = client.v1.customers.create(params={"email": "mine@example.org"})
    other = client.v1.customers.create(params={"email": "other@example.org"})
    created = []
    for _ in range(5):
        created.append(client.v1.invoices.create(params={"customer": mine.id, "auto_advance": False}).id)
        client.v1.invoices.create(params={"customer": other.id, "auto_advance": False})
    newest_first = created[::-1]
    first = client.v1.invoices.list(params={"customer": mine.id, "limit": 2})
    assert _ids(first) == newest_first[:2] and first.has_more
    second = client.v1.invoices.list(params={"customer": mine.id, "limit": 2, "starting_after": newest_first[1]})
    assert _ids(second) == newest_first[2:4] and second.has_more
    back = client.v1.invoices.list(params={"customer": mine.id, "limit": 2, "ending_before": newest_first[4]})
    assert _ids(back) == newest_first[2:4]
    assert [i.id for i in client.v1.invoices.list(params={"customer": mine.id}).auto_paging_iter()] == newest_first


def test_the_email_filter_stays_case_sensitive_and_search_case_insensitive(client):
    customer = client.v1.customers.create(params={"email": "Mixed.Case@Example.org"})
    assert _ids(client.v1.customers.list(params={"email": "mixed.case@example.org"})) == []
    assert _ids(client.v1.customers.list(params={"email": "Mixed.Case@Example.org"})) == [customer.id]
    found = client.v1.customers.search(params={"query": "email:'mixed.case@example.org'"})
    assert _ids(found) == [customer.id]


def test_search_follows_metadata_updates_and_deletions(client):
    kept = client.v1.customers.create(params={"metadata": {"donor": "d-1"}})
    gone = client.v1.customers.create(params={"metadata": {"donor": "d-1"}})
    query = {"query": "metadata['donor']:'d-1'"}
    assert _ids(client.v1.customers.search(params=query)) == [gone.id, kept.id]
    client.v1.customers.update(kept.id, params={"metadata": {"donor": "d-2"}})
    client.v1.customers.delete(gone.id)
    assert _ids(client.v1.customers.search(params=query)) == []
    assert _ids(client.v1.customers.search(params={"query": "metadata['donor']:'d-2'"})) == [kept.id]


def test_search_or_of_exact_clauses_lists_each_match_once_and_pages(client):
    a = client.v1.customers.create(params={"email": "a@example.org", "name": "Shared"})
    b = client.v1.customers.create(params={"email": "b@example.org", "name": "Shared"})
    client.v1.customers.create(params={"email": "c@example.org", "name": "Other"})
    query = "email:'a@example.org' OR name:'shared'"
    assert _ids(client.v1.customers.search(params={"query": query})) == [b.id, a.id]
    first = client.v1.customers.search(params={"query": query, "limit": 1})
    assert _ids(first) == [b.id] and first.has_more
    second = client.v1.customers.search(params={"query": query, "limit": 1, "page": first.next_page})
    assert _ids(second) == [a.id] and not second.has_more
    both = "name:'shared' AND -email:'a@example.org'"
    assert _ids(client.v1.customers.search(params={"query": both})) == [b.id]


def test_event_lists_by_types_merge_newest_first(client):
    customer = client.v1.customers.create(params={"email": "events@example.org"})
    client.v1.customers.update(customer.id, params={"name": "Renamed"})
    item = client.v1.invoice_items.create(params={"customer": customer.id, "amount": 100, "currency": "usd"})
    page = client.v1.events.list(params={"types": ["customer.created", "invoiceitem.created"], "limit": 100})
    assert [e.type for e in page.data][:2] == ["invoiceitem.created", "customer.created"]
    assert page.data[0].data.object.id == item.id
    exact = client.v1.events.list(params={"type": "customer.updated"})
    assert [e.data.object.id for e in exact.data] == [customer.id]


def test_deleted_invoice_items_leave_the_customers_list(client):
    customer = client.v1.customers.create(params={"email": "items@example.org"})
    first = client.v1.invoice_items.create(params={"customer": customer.id, "amount": 100, "currency": "usd"})
    second = client.v1.invoice_items.create(params={"customer": customer.id, "amount": 200, "currency": "usd"})
    client.v1.invoice_items.delete(first.id)
    assert _ids(client.v1.invoice_items.list(params={"customer": customer.id})) == [second.id]


def test_the_index_is_rebuilt_from_the_sqlite_file_on_restart(tmp_path):
    db = str(tmp_path / "stripe.db")
    with start_sim(fast_config(db_path=db)) as first:
        client = first.stripe_client()
        customer = client.v1.customers.create(params={"email": "restart@example.org", "metadata": {"k": "v"}})
        invoice = client.v1.invoices.create(params={"customer": customer.id, "auto_advance": False})
    with start_sim(fast_config(db_path=db)) as second:
        client = second.stripe_client()
        assert _ids(client.v1.invoices.list(params={"customer": customer.id})) == [invoice.id]
        assert _ids(client.v1.customers.search(params={"query": "metadata['k']:'v'"})) == [customer.id]
        later = client.v1.invoices.create(params={"customer": customer.id, "auto_advance": False})
        assert _ids(client.v1.invoices.list(params={"customer": customer.id})) == [later.id, invoice.id]
