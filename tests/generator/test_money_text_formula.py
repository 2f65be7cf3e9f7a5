"""The reminder emails' {amount}: the flow formula that formats the billed amount for the spec's
currency gives what generator.currency.format_money gives, for zero-, two- and three-decimal
currencies and ISK (counted in hundredths, shown whole). Evaluated by the org emulator's
formula engine, as the deployed flow is."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from generator.currency import currency_exponent, format_minor, shown_places
from generator.render import formulas
from generator.render.context import build_context
from generator.spec import load_spec
from orgsim.formula import Formula


@dataclass
class Values:
    values: dict[str, Decimal]

    def resolve(self, path: str):
        return self.values[path]


def _format(code: str, minor: int) -> str:
    exponent = currency_exponent(code)
    places = shown_places(code, exponent)
    if exponent == 0:
        major = Decimal(minor)
    elif places == 0:
        major = Formula.compile(f"ROUND({{!Minor}} / {10**exponent}, 0)").evaluate(Values({"Minor": Decimal(minor)}))
    else:
        major = Formula.compile(f"FLOOR({{!Minor}} / {10**exponent})").evaluate(Values({"Minor": Decimal(minor)}))
    text = formulas.money_text("Minor", "Major", code, exponent, places)
    return Formula.compile(text).evaluate(Values({"Minor": Decimal(minor), "Major": Decimal(major)}))


@pytest.mark.parametrize(
    "code, minor",
    [
        ("jpy", 5),
        ("jpy", 54321),
        ("jpy", 1000),
        ("jpy", 999999),
        ("jpy", 1234567890123456),
        ("usd", 125000),
        ("usd", 7),
        ("usd", 100000000),
        ("kwd", 1500),
        ("kwd", 123456789),
        ("isk", 500000),
    ],
)
def test_formula_matches_format_money(code, minor):
    assert _format(code, minor) == format_minor(minor, code)


def test_the_reminders_merge_the_formatted_text_not_a_currency_field(tmp_path):
    spec_path = tmp_path / "yen.yml"
    spec_path.write_text("stripe: {account_name: Yen Test}\ncurrency: {code: jpy}\n")
    ctx = build_context(load_spec(spec_path))
    field = ctx.spec.fields.invoiced_amount_text.api_name
    for reminder in ctx.reminders:
        assert "{!Opportunity.Amount}" not in reminder.body
        assert f"{{!Opportunity.{field}}}" in reminder.body
    assert ctx.formulas["invoiced_amount_text"].startswith('"JPY " & ')


def test_a_spec_merging_a_currency_field_in_a_reminder_is_refused(tmp_path):
    from generator.errors import SpecError

    spec_path = tmp_path / "direct.yml"
    spec_path.write_text(
        "stripe: {account_name: Direct}\n"
        "fallback_reminder:\n"
        "  alert_name: Pay\n  alert_description: Pay\n  template_name: Pay\n  template_label: Pay\n"
        "  subject: Pay\n  recipients: [{type: owner}]\n"
        "  body: 'Please pay {!Opportunity.Amount} now.'\n"
    )
    with pytest.raises(SpecError) as raised:
        load_spec(spec_path)
    assert "{!Opportunity.Amount} is a currency field" in str(raised.value.problems)
