"""stripeGC v02 actions, generically from the catalog, through the stripe SDK against stripesim."""

import pytest

from orgsim import Org, StripeConfig
from orgsim.connector import ConnectorFault, StripeCaller, catalog
from sfpay.stripe_keys import UnsafeStripeKey


@pytest.fixture
def caller(sim):
    return StripeCaller(StripeConfig(api_base=sim.base_url, api_key=sim.api_key))


def test_catalog_lookup_and_common_params():
    action = catalog().action("stripeGC__v02_PostInvoicesFinalize")
    assert (action.method, action.path, action.returns) == ("POST", "/v1/invoices/{invoice}/finalize", "v02_Invoice")
    assert action.param("accountRecordId").required and action.param("invoice").required
    assert catalog().action("stripeGC__v02_NoSuchThing") is None


def test_outputs_are_shaped_like_the_v02_models(caller, sim):
    customer, _ = caller.call(
        catalog().action("v02_CreateCustomers"), {"accountRecordId": "a0A", "name": "Acme", "email": "a@acme.test"}
    )
    assert customer["id"].startswith("cus_") and customer["name"] == "Acme"
    assert "invoicePrefix" in customer and "invoice_prefix" not in customer and "r_object" in customer
    invoice, _ = caller.call(
        catalog().action("v02_CreateInvoices"),
        {
            "accountRecordId": "a0A",
            "customer": customer["id"],
            "r_currency": "eur",
            "collectionMethod": "send_invoice",
            "daysUntilDue": 30,
            "autoAdvance": False,
        },
    )
    assert (
        invoice["r_currency"] == "eur"
        and invoice["collectionMethod"] == "send_invoice"
        and invoice["status"] == "draft"
    )
    item, _ = caller.call(
        catalog().action("v02_CreateInvoiceitems"),
        {
            "accountRecordId": "a0A",
            "customer": customer["id"],
            "invoice": invoice["id"],
            "amount": 1234,
            "r_currency": "eur",
        },
    )
    assert item["amount"] == 1234
    final, _ = caller.call(
        catalog().action("v02_PostInvoicesFinalize"), {"accountRecordId": "a0A", "invoice": invoice["id"]}
    )
    assert final["status"] == "open" and final["hostedInvoiceUrl"] and final["amountDue"] == 1234
    fetched, _ = caller.call(catalog().action("v02_GetInvoices"), {"accountRecordId": "a0A", "invoice": invoice["id"]})
    assert fetched["id"] == invoice["id"]
    assert sim.stripe_client().v1.invoices.retrieve(invoice["id"]).currency == "eur"


def test_idempotency_key_is_passed_through(caller, sim):
    inputs = {"accountRecordId": "a0A", "name": "Once", "idempotencyKey": "sfpay-test-key-1"}
    first, _ = caller.call(catalog().action("v02_CreateCustomers"), inputs)
    second, _ = caller.call(catalog().action("v02_CreateCustomers"), inputs)
    assert first["id"] == second["id"]
    assert len(list(sim.stripe_client().v1.customers.list().data)) == 1


def test_stripe_error_becomes_fault_with_stripes_message(caller):
    with pytest.raises(ConnectorFault) as info:
        caller.call(catalog().action("v02_PostInvoicesVoid"), {"accountRecordId": "a0A", "invoice": "in_missing"})
    message = str(info.value)
    assert message.startswith("An Apex error occurred: ") and "No such invoice" in message and "in_missing" in message


def test_live_keys_are_refused():
    with pytest.raises(UnsafeStripeKey):
        Org.open(":memory:", stripe=StripeConfig(api_base="http://127.0.0.1:1", api_key="sk_live_abc"))


def test_missing_key_is_a_fault_not_a_crash():
    with pytest.raises(ConnectorFault, match="no Stripe API key"):
        StripeCaller(None).call(catalog().action("v02_GetCustomers"), {"accountRecordId": "a0A", "customer": "cus_1"})


def test_lean_client_and_sdk_give_the_same_output_and_fault(sim):
    """A plain-HTTP base (stripesim) is called through the lean keep-alive client; the SDK path
    (used with retries or for https) must see the same shapes and the same fault messages."""
    lean = StripeCaller(StripeConfig(api_base=sim.base_url, api_key=sim.api_key))
    sdk = StripeCaller(StripeConfig(api_base=sim.base_url, api_key=sim.api_key, max_network_retries=1))
    void = catalog().action("v02_PostInvoicesVoid")
    faults = []
    for caller in (lean, sdk):
        with pytest.raises(ConnectorFault) as info:
            caller.call(void, {"accountRecordId": "a0A", "invoice": "in_missing"})
        faults.append(str(info.value))
    assert faults[0] == faults[1]
    create = catalog().action("v02_CreateCustomers")
    made = [c.call(create, {"accountRecordId": "a0A", "name": "Same", "email": "s@x.test"})[0] for c in (lean, sdk)]
    assert made[0].keys() == made[1].keys() and made[0]["name"] == made[1]["name"] == "Same"
    assert lean._lean is not None and sdk._lean is None


def test_lean_client_unreachable_stripe_is_a_fault():
    from sfpay.serving import free_port

    caller = StripeCaller(StripeConfig(api_base=f"http://127.0.0.1:{free_port()}", api_key="sk_test_x"))
    with pytest.raises(ConnectorFault, match=r"APIConnectionError"):
        caller.call(catalog().action("v02_GetCustomers"), {"accountRecordId": "a0A", "customer": "cus_1"})


def test_shaping_keeps_every_model_field_in_catalog_order_with_nested_models_and_lists(caller):
    """The shaped output has exactly the model's fields, in the catalog's order, nested models and
    lists shaped the same way and anything else as Stripe sent it (pins the shaping code)."""
    from orgsim.connector.catalog import shape

    models = caller.catalog

    def expected(value, type_name):  # the shaping rule read straight off the catalog
        if type_name.startswith("List<"):
            items = value["data"] if isinstance(value, dict) and value.get("object") == "list" else value
            return [expected(v, type_name[5:-1]) for v in items] if isinstance(items, list) else None
        fields = models.model(type_name)
        if fields is None or not isinstance(value, dict):
            return value
        return {
            f["name"]: None
            if value.get(f["stripe_name"]) is None
            else expected(value[f["stripe_name"]], f["type"] or "")
            for f in fields
        }

    line = {"id": "il_1", "object": "line_item", "amount": 500, "currency": "usd", "metadata": {"k": "v"}}
    invoice = {
        "id": "in_1",
        "object": "invoice",
        "currency": "usd",
        "customer": "cus_1",  # an expandable field holding an id stays as it is
        "amount_due": 500,
        "lines": {"object": "list", "data": [line, dict(line, id="il_2")], "has_more": False},
        "status_transitions": {"finalized_at": 1, "paid_at": None},
        "metadata": {"Opportunity": "006"},
        "not_in_the_model": True,
    }
    shaped = shape(invoice, "v02_Invoice", models)
    assert shaped == expected(invoice, "v02_Invoice")
    assert list(shaped) == [f["name"] for f in models.model("v02_Invoice")]
    assert shaped["r_currency"] == "usd" and shaped["amountDue"] == 500 and shaped["customer"] == "cus_1"
    assert "not_in_the_model" not in shaped and "notInTheModel" not in shaped
