"""Stripe's test payment methods the emulator understands, and their outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from stripesim.errors import StripeError, no_such


@dataclass(frozen=True)
class TestCard:
    brand: str
    last4: str
    decline_code: str | None = None  # None: the charge succeeds
    error_code: str = "card_declined"
    message: str = "Your card was declined."


TEST_PAYMENT_METHODS: dict[str, TestCard] = {
    "pm_card_visa": TestCard("visa", "4242"),
    "pm_card_mastercard": TestCard("mastercard", "4444"),
    "pm_card_amex": TestCard("amex", "8431"),
    "pm_card_chargeDeclined": TestCard("visa", "0002", "generic_decline"),
    "pm_card_chargeDeclinedInsufficientFunds": TestCard(
        "visa", "9995", "insufficient_funds", message="Your card has insufficient funds."
    ),
    "pm_card_chargeDeclinedExpiredCard": TestCard(
        "visa", "0069", "expired_card", error_code="expired_card", message="Your card has expired."
    ),
}


def require_payment_method(pm_id: str, param: str = "payment_method") -> TestCard:
    card = TEST_PAYMENT_METHODS.get(pm_id)
    if card is None:
        raise no_such("PaymentMethod", pm_id, param=param, status=400)
    return card


def decline_error(card: TestCard, charge_id: str) -> StripeError:
    return StripeError(
        card.message,
        status=402,
        type="card_error",
        code=card.error_code,
        decline_code=card.decline_code,
        extra={"charge": charge_id},
    )
