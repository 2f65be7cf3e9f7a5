"""Stripe names a flow hard-codes: a currency Stripe does not support in a connector action's
currency input, and event types compared with the connector's event name field that Stripe
never sends (sources in generator.facts.stripe_api: Stripe's currency list, the stripe SDK's
webhook event types)."""

from generator.facts.stripe_api import CURRENCIES, SdkUnavailable, event_types
from sfmeta.xml import child, line_of
from validator.rules.base import Rule


def _literal(node):
    value = child(node, "value")
    literal = child(value, "stringValue") if value is not None else None
    return literal if literal is not None and literal.text else None


class StripeValueUnknown(Rule):
    id = "stripe-value-unknown"
    # Not enforced by a Salesforce deploy: Salesforce knows nothing of Stripe's currencies or event types; Stripe refuses them when the action runs; `sfpay validate` reports it.
    enforced_at_deploy = False
    message = "Currencies and event types a flow hard-codes are ones Stripe knows."
    hint = "Use a lower-case currency from https://docs.stripe.com/currencies and event types such as invoice.paid."

    def check(self, flow, context):
        root = flow.file.root
        try:
            events = event_types()
        except SdkUnavailable:
            events = None
        for node in root.iter("{*}inputParameters"):
            name = (child(node, "name").text or "") if child(node, "name") is not None else ""
            literal = _literal(node)
            if literal is not None and name.lower().removeprefix("r_") == "currency" and literal.text not in CURRENCIES:
                yield self.finding(
                    flow.file.display, line_of(literal), f"currency `{literal.text}` is not one Stripe supports"
                )
        if events is None:
            return
        for tag in ("filters", "conditions"):
            for node in root.iter("{*}" + tag):
                subject = child(node, "field") if tag == "filters" else child(node, "leftValueReference")
                literal = _literal(node) if tag == "filters" else _literal_right(node)
                operator = child(node, "operator")
                # Only equality names a whole event type; StartsWith "invoice." is a prefix.
                if operator is None or operator.text not in ("EqualTo", "NotEqualTo"):
                    continue
                if subject is None or literal is None or not (subject.text or "").endswith("Event_Name__c"):
                    continue
                if literal.text not in events:
                    yield self.finding(
                        flow.file.display, line_of(literal), f"`{literal.text}` is not a Stripe event type"
                    )


def _literal_right(node):
    value = child(node, "rightValue")
    literal = child(value, "stringValue") if value is not None else None
    return literal if literal is not None and literal.text else None
