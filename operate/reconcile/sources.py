"""Both sides as streams: Opportunities through SOQL paging, invoices through Stripe's list API.

Neither stream is held in memory: records are yielded page by page (simple-salesforce follows
`nextRecordsUrl`, the REST form of queryMore:
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm;
Stripe pages with `starting_after`: https://docs.stripe.com/api/pagination).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from operate.reconcile.facts import Facts

PAGE = 100  # Stripe's largest list page
MAX_RATE_RETRIES = 8
TRANSITION = {"paid": "paid_at", "void": "voided_at", "uncollectible": "marked_uncollectible_at"}


def soql_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def org_fields(facts: Facts) -> list[str]:
    return [
        "Id",
        "Name",
        "StageName",
        "Amount",
        facts.invoice_id_field,
        facts.status_field,
        facts.invoiced_amount_field,
        facts.invoicing_error_field,
    ]


def org_query(facts: Facts, since: dt.date | None, invoice_ids: list[str] | None = None) -> str:
    where = f"{facts.invoice_id_field} != null"
    if invoice_ids:
        where += f" AND {facts.invoice_id_field} IN ({', '.join(soql_quote(i) for i in invoice_ids)})"
    if since is not None:
        # A day's margin for time zones: the invoice date is the org's date of issue, Stripe's
        # `created` a UTC instant. Anything the windows still disagree on is confirmed one by
        # one before it is reported (see run.py).
        where += f" AND {facts.invoice_date_field} >= {(since - dt.timedelta(days=1)).isoformat()}"
    return f"SELECT {', '.join(org_fields(facts))} FROM Opportunity WHERE {where}"


def org_row(facts: Facts, record: dict[str, Any]) -> tuple[Any, ...]:
    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return (
        record[facts.invoice_id_field],
        record["Id"],
        record.get("Name"),
        record.get(facts.status_field),
        record.get("StageName"),
        text(record.get("Amount")),
        text(record.get(facts.invoiced_amount_field)),
        record.get(facts.invoicing_error_field),
    )


def opportunities(
    sf: Any, facts: Facts, since: dt.date | None, invoice_ids: list[str] | None = None
) -> Iterator[tuple[Any, ...]]:
    for record in sf.query_all_iter(org_query(facts, since, invoice_ids)):
        yield org_row(facts, record)


def previous_invoices(sf: Any, facts: Facts) -> Iterator[tuple[str, str]]:
    field = facts.previous_invoice_field
    for record in sf.query_all_iter(f"SELECT Id, {field} FROM Opportunity WHERE {field} != null"):
        yield record[field], record["Id"]


def opportunity_by_invoice(sf: Any, facts: Facts, invoice_id: str) -> dict[str, Any] | None:
    rows = sf.query(
        f"SELECT {', '.join(org_fields(facts))} FROM Opportunity "
        f"WHERE {facts.invoice_id_field} = {soql_quote(invoice_id)} LIMIT 1"
    )["records"]
    return rows[0] if rows else None


def opportunities_named(sf: Any, name: str) -> list[dict[str, Any]]:
    return sf.query(f"SELECT Id, Name FROM Opportunity WHERE Name = {soql_quote(name)} LIMIT 3")["records"]


def with_backoff(
    call: Callable[[], Any], on_wait: Callable[[float], None] | None = None, sleep: Callable[[float], None] = time.sleep
) -> Any:
    """Stripe answers 429 when a key goes over its rate limit; the advice is to retry with
    exponential backoff and jitter (https://docs.stripe.com/rate-limits). The SDK retries 429s
    only when Stripe adds `Stripe-Should-Retry: true`, so list pages are retried here."""
    import stripe

    for attempt in range(MAX_RATE_RETRIES + 1):
        try:
            return call()
        except stripe.RateLimitError:
            if attempt == MAX_RATE_RETRIES:
                raise
            delay = min(30.0, 0.5 * 2**attempt) * random.uniform(0.5, 1.0)
            if on_wait:
                on_wait(delay)
            sleep(delay)
    raise AssertionError("unreachable")


def plain(obj: Any) -> dict[str, Any]:
    """A StripeObject as the plain dict Stripe sent (the SDK's objects are not dicts)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def stripe_row(invoice: Any) -> tuple[Any, ...]:
    invoice = plain(invoice)
    transitions = invoice.get("status_transitions") or {}
    return (
        invoice["id"],
        invoice.get("status"),
        invoice.get("total"),
        invoice.get("currency"),
        invoice.get("created"),
        invoice.get("customer") if isinstance(invoice.get("customer"), str) else None,
        invoice.get("description"),
        transitions.get(TRANSITION.get(invoice.get("status") or "", ""), None),
    )


def invoices(
    client: Any,
    since: dt.date | None,
    on_wait: Callable[[float], None] | None = None,
    invoice_ids: list[str] | None = None,
) -> Iterator[Any]:
    """Every invoice (created on or after `since`), newest first, one page in memory at a time;
    with `invoice_ids`, just those (retrieved one by one)."""
    if invoice_ids:
        for invoice_id in invoice_ids:
            invoice = retrieve_invoice(client, invoice_id)
            if invoice is not None:
                yield invoice
        return
    params: dict[str, Any] = {"limit": PAGE}
    if since is not None:
        params["created"] = {"gte": int(dt.datetime.combine(since, dt.time(), dt.UTC).timestamp())}
    while True:
        # The SDK's raw request (same auth, retries, errors) and its parsed JSON: building a
        # StripeObject per invoice cost more than everything else reconcile does (profiled:
        # 16 of 21 s at 4,000 invoices), and only eight fields of each are read.
        page = with_backoff(lambda: client.raw_request("get", "/v1/invoices", **params).data, on_wait)
        for invoice in page["data"]:
            yield invoice
        if not page["has_more"] or not page["data"]:
            return
        params["starting_after"] = page["data"][-1]["id"]


def retrieve_invoice(client: Any, invoice_id: str) -> Any | None:
    """The invoice, or None when Stripe has no such invoice (404 resource_missing)."""
    import stripe

    try:
        return plain(with_backoff(lambda: client.v1.invoices.retrieve(invoice_id)))
    except stripe.InvalidRequestError as exc:
        if getattr(exc, "http_status", None) == 404 or getattr(exc, "code", None) == "resource_missing":
            return None
        raise


def events_for(
    client: Any, invoice_id: str, types: list[str], around: int | None, *, before: int = 5, after: int = 600
) -> list[Any]:
    """Events about `invoice_id` of `types` created within a window around `around` (a unix time
    from the invoice's status_transitions), newest first. Stripe's events list filters by type
    and creation time, not by object (https://docs.stripe.com/api/events/list), so the window
    keeps the scan to a handful of events; Stripe keeps events for 30 days."""
    params: dict[str, Any] = {"limit": PAGE, "types": types}
    if around is not None:
        params["created"] = {"gte": around - before, "lte": around + after}
    found: list[Any] = []
    while True:
        page = with_backoff(lambda: client.v1.events.list(dict(params)))
        found += [plain(e) for e in page.data if plain(e)["data"]["object"].get("id") == invoice_id]
        if not page.has_more or not page.data:
            return found
        params["starting_after"] = page.data[-1].id
