"""Lists with cursors, search by email, filters and expand[]."""

from __future__ import annotations

import pytest
import stripe


def test_pagination_with_has_more_and_cursors(client):
    ids = [client.v1.customers.create(params={"email": f"c{i}@example.org"}).id for i in range(7)]
    newest_first = list(reversed(ids))
    page1 = client.v1.customers.list(params={"limit": 3})
    assert [c.id for c in page1.data] == newest_first[:3] and page1.has_more is True and page1.url == "/v1/customers"
    page2 = client.v1.customers.list(params={"limit": 3, "starting_after": page1.data[-1].id})
    assert [c.id for c in page2.data] == newest_first[3:6] and page2.has_more is True
    page3 = client.v1.customers.list(params={"limit": 3, "starting_after": page2.data[-1].id})
    assert [c.id for c in page3.data] == newest_first[6:] and page3.has_more is False
    back = client.v1.customers.list(params={"limit": 2, "ending_before": page3.data[0].id})
    assert [c.id for c in back.data] == newest_first[4:6] and back.has_more is True
    # The SDK's auto-pagination walks every page through starting_after.
    assert [c.id for c in client.v1.customers.list(params={"limit": 2}).auto_paging_iter()] == newest_first


def test_bad_cursor_and_limit(client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.list(params={"starting_after": "cus_nope"})
    assert caught.value.param == "starting_after"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.list(params={"limit": 101})
    assert caught.value.param == "limit"


def test_list_customers_by_email(client):
    wanted = client.v1.customers.create(params={"email": "find@example.org"})
    client.v1.customers.create(params={"email": "other@example.org"})
    assert [c.id for c in client.v1.customers.list(params={"email": "find@example.org"}).data] == [wanted.id]


def test_search_customers(client):
    a = client.v1.customers.create(
        params={"email": "ada@example.org", "name": "Ada Lovelace", "metadata": {"sf_account": "001A"}}
    )
    b = client.v1.customers.create(params={"email": "grace@example.org", "name": "Grace Hopper"})
    found = client.v1.customers.search(params={"query": "email:'ada@example.org'"})
    assert found.object == "search_result" and [c.id for c in found.data] == [a.id]
    assert found.has_more is False and found.next_page is None
    assert [c.id for c in client.v1.customers.search(params={"query": "metadata['sf_account']:'001A'"}).data] == [a.id]
    assert [c.id for c in client.v1.customers.search(params={"query": "name~'hopper'"}).data] == [b.id]
    both = client.v1.customers.search(params={"query": "email:'ada@example.org' OR name:'Grace Hopper'"})
    assert {c.id for c in both.data} == {a.id, b.id}
    first = client.v1.customers.search(params={"query": "-email:'nobody@example.org'", "limit": 1})
    assert first.has_more is True and first.next_page
    rest = client.v1.customers.search(params={"query": "-email:'nobody@example.org'", "page": first.next_page})
    assert {c.id for c in first.data + rest.data} == {a.id, b.id}


@pytest.mark.parametrize("query", ["created>5", "email:'a' AND name:'b' OR name:'c'", "address:'x'", "email:"])
def test_unsupported_search_queries_fail_clearly(client, query):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.search(params={"query": query})
    assert caught.value.param == "query"


def test_list_invoices_by_customer_and_status(client):
    from tests.stripesim.conftest import make_invoice

    customer, draft = make_invoice(client)
    _, other = make_invoice(client)
    client.v1.invoices.finalize_invoice(other.id)
    assert [i.id for i in client.v1.invoices.list(params={"customer": customer.id}).data] == [draft.id]
    assert [i.id for i in client.v1.invoices.list(params={"status": "open"}).data] == [other.id]
    assert [i.id for i in client.v1.invoices.list(params={"status": "draft"}).data] == [draft.id]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.list(params={"status": "pending"})
    assert caught.value.param == "status"
    items = client.v1.invoice_items.list(params={"invoice": draft.id}).data
    assert len(items) == 1 and items[0].invoice == draft.id
    lines = client.v1.invoices.line_items.list(draft.id)
    assert lines.url == f"/v1/invoices/{draft.id}/lines" and lines.data[0].amount == 5000


def test_expand(client):
    from tests.stripesim.conftest import make_invoice

    customer, invoice = make_invoice(client)
    expanded = client.v1.invoices.retrieve(invoice.id, params={"expand": ["customer"]})
    assert expanded.customer.id == customer.id and expanded.customer.email == "donor@example.org"
    listed = client.v1.invoices.list(params={"expand": ["data.customer"]})
    assert listed.data[0].customer.object == "customer"
    created = client.v1.invoice_items.create(
        params={"customer": customer.id, "invoice": invoice.id, "amount": 5, "expand": ["invoice"]}
    )
    assert created.invoice.object == "invoice" and created.invoice.amount_due == 5005
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.retrieve(invoice.id, params={"expand": ["number"]})
    assert "cannot be expanded (number)" in caught.value.user_message


def test_failed_expand_stores_nothing(client):
    customer = client.v1.customers.create(params={"email": "a@example.org"})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.invoices.create(params={"customer": customer.id, "expand": ["nonsense"]})
    assert client.v1.invoices.list().data == []


def test_events_filter_by_type(client):
    from tests.stripesim.conftest import make_invoice

    make_invoice(client)
    types = {e.type for e in client.v1.events.list(params={"type": "invoice*"}).data}
    assert types == {"invoice.created", "invoiceitem.created"}
    only = client.v1.events.list(params={"types": ["customer.created"]}).data
    assert [e.type for e in only] == ["customer.created"]


def test_created_filters(sim, client):
    first = client.v1.customers.create(params={"email": "early@example.org"})
    sim.admin.advance_clock(100)
    second = client.v1.customers.create(params={"email": "late@example.org"})
    assert second.created >= first.created + 100
    after = client.v1.customers.list(params={"created": {"gt": first.created}}).data
    assert [c.id for c in after] == [second.id]
    exact = client.v1.customers.list(params={"created": first.created}).data
    assert [c.id for c in exact] == [first.id]
    events = client.v1.events.list(params={"created": {"gte": second.created}}).data
    assert [e.data.object.id for e in events] == [second.id]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.list(params={"created": {"after": 1}})
    assert caught.value.param == "created[after]"


def test_search_invoices(client):
    from tests.stripesim.conftest import make_invoice

    customer, draft = make_invoice(client)
    _, other = make_invoice(client)
    client.v1.invoices.finalize_invoice(other.id)
    found = client.v1.invoices.search(params={"query": f"customer:'{customer.id}'"})
    assert [i.id for i in found.data] == [draft.id] and found.url == "/v1/invoices/search"
    assert [i.id for i in client.v1.invoices.search(params={"query": "status:'open'"}).data] == [other.id]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.search(params={"query": "total>5"})
    assert caught.value.param == "query"


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_cursor_pages_over_a_filtered_list_with_deleted_objects(storage, tmp_path):
    """Pages are read from the cursor's stored position on (both storages): deleted objects and
    ones the filter drops are skipped, `has_more` is exact in both directions, and every page of
    an auto-paging walk is the list the old full read gave."""
    from stripesim.config import SimConfig
    from stripesim.running import start_sim

    config = SimConfig(db_path=str(tmp_path / "sim.sqlite3") if storage == "sqlite" else None)
    with start_sim(config) as sim:
        client = sim.stripe_client()
        created = [
            client.v1.customers.create(params={"email": f"{'keep' if i % 3 else 'drop'}{i}@example.org"}).id
            for i in range(300)  # more than the SQLite walk's read chunk
        ]
        for gone in created[10:20]:
            client.v1.customers.delete(gone)
        alive = [c for i, c in enumerate(created) if not 10 <= i < 20]
        newest_first = list(reversed(alive))
        assert [c.id for c in client.v1.customers.list(params={"limit": 100}).auto_paging_iter()] == newest_first
        page = client.v1.customers.list(params={"limit": 7, "starting_after": newest_first[150]})
        assert [c.id for c in page.data] == newest_first[151:158] and page.has_more
        back = client.v1.customers.list(params={"limit": 7, "ending_before": newest_first[150]})
        assert [c.id for c in back.data] == newest_first[143:150] and back.has_more
        top = client.v1.customers.list(params={"limit": 7, "ending_before": newest_first[3]})
        assert [c.id for c in top.data] == newest_first[:3] and not top.has_more
        last = client.v1.customers.list(params={"limit": 7, "starting_after": newest_first[-2]})
        assert [c.id for c in last.data] == newest_first[-1:] and not last.has_more
        email = "keep299@example.org"
        found = client.v1.customers.list(params={"email": email, "limit": 1})
        assert [c.email for c in found.data] == [email] and not found.has_more
        with pytest.raises(stripe.InvalidRequestError) as caught:
            client.v1.customers.list(params={"starting_after": created[12]})  # deleted: not in the list
        assert caught.value.param == "starting_after"
