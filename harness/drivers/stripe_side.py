"""Stripe-side steps the scenarios share, through the official SDK only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stripe.params import CustomerCreateParams

    from harness.context import ScenarioContext


class StripeDriver:
    def __init__(self, ctx: "ScenarioContext"):
        self.ctx = ctx
        self.client = ctx.stripe

    def create_customer(self, email: str | None = "") -> str:
        """A pre-existing customer; with an email by default (Stripe sends invoices there).
        `email=None`: without one."""
        params: CustomerCreateParams = {"name": self.ctx.unique_name("customer")}
        if email is not None:
            params["email"] = email or f"{self.ctx.unique_name('customer')}@example.org"
        customer = self.client.v1.customers.create(params)
        self.ctx.note("stripe", "Customer (pre-existing)", customer.id)
        return customer.id

    def delete_customer(self, customer_id: str) -> None:
        self.client.v1.customers.delete(customer_id)
        self.ctx.note("stripe", "Customer deleted", customer_id)

    def invoice(self, invoice_id: str) -> Any:
        return self.client.v1.invoices.retrieve(invoice_id)

    def invoices_for_customer(self, customer_id: str) -> list[Any]:
        return list(self.client.v1.invoices.list({"customer": customer_id, "limit": 100}).auto_paging_iter())

    def listing(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every object of a Stripe list endpoint (`/v1/invoices`, `/v1/events`), in Stripe's order,
        as the JSON Stripe sent (plain dicts), page after page (`has_more`, `starting_after` the
        last id: https://docs.stripe.com/api/pagination).

        Sent by the SDK's own requestor (`StripeClient.raw_request`: the same key, API version,
        form encoding of nested parameters, retries, and errors raised as `stripe.StripeError`)
        but read as plain JSON: the SDK's typed objects cost a Python object per nested field
        (an invoice is some 60), which for the bulk scenarios' listings of 200 invoices was
        most of the harness's Stripe-side CPU."""
        page_params = dict(params)
        while True:
            page = self.client.raw_request("get", path, **page_params).data
            objects = page["data"]
            yield from objects
            if not page.get("has_more") or not objects:
                return
            page_params["starting_after"] = objects[-1]["id"]

    def invoices_by_customer(self, customer_ids: set[str], created_since: int) -> dict[str, list[dict[str, Any]]]:
        """Every invoice of `customer_ids` (plain dicts: `listing`), per customer in Stripe's list
        order (newest first), in one listing: the invoices created at or after `created_since`
        (unix time, Stripe's clock; `created[gte]`, https://docs.stripe.com/api/invoices/list).
        Complete when no invoice of these customers can be older than that, e.g. every customer
        was created since then."""
        found: dict[str, list[dict[str, Any]]] = {customer: [] for customer in customer_ids}
        for invoice in self.listing("/v1/invoices", {"created": {"gte": created_since}, "limit": 100}):
            customer = invoice["customer"]
            if isinstance(customer, dict):  # expanded
                customer = customer.get("id")
            if customer in found:
                found[customer].append(invoice)
        return found

    def customers_named(self, name: str) -> list[Any]:
        return [c for c in self.client.v1.customers.list({"limit": 100}).auto_paging_iter() if c.name == name]

    def pay(self, invoice_id: str, payment_method: str) -> tuple[bool, str | None]:
        """Pay with a test payment method; returns (succeeded, Stripe's message or status)."""
        import stripe

        try:
            invoice = self.client.v1.invoices.pay(invoice_id, {"payment_method": payment_method})
        except stripe.CardError as exc:
            return False, f"{exc.code}: {exc.user_message or exc}"
        return invoice.status == "paid", invoice.status

    def events_for(self, object_id: str, types: set[str], since: int) -> list[dict[str, Any]]:
        """Events of `types` (as plain dicts, the shape Stripe delivers) whose data.object is
        `object_id`, created at or after `since` (unix time), oldest first.

        Stripe lists events newest first and cannot filter by object, so the scan stops at the
        first event older than `since`: it reads only this scenario's share of the account."""
        events = []
        for event in self.listing("/v1/events", {"limit": 100, "types": sorted(types)}):
            if event["created"] < since:
                break
            if event["data"]["object"].get("id") == object_id:
                events.append(event)
        return sorted(events, key=lambda event: (event["created"], event["id"]))
