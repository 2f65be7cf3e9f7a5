"""Flow formula text built from the spec.

Only common formula functions are used (AND, OR, NOT, IF, ISBLANK, ISCHANGED, TEXT, ROUND,
FLOOR, MOD, LPAD, FIND, MID, `&`), so any faithful Flow runtime (Salesforce, or our org emulator) evaluates
them the same way. String literals are double-quoted; a double quote or backslash inside a
literal is escaped with a backslash, as Salesforce formulas require.
"""

from __future__ import annotations

from decimal import Decimal

# The currency table lives in generator/currency.py (shared with the harness); re-exported here.
from generator.currency import THREE_DECIMAL, ZERO_DECIMAL, currency_exponent  # noqa: F401


def literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def number(value: Decimal | int) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


def merge(ref: str) -> str:
    return "{!" + ref + "}"


def any_of(field_ref: str, values: list[str], picklist: bool = True) -> str:
    """`field` equals one of `values` (picklists compared through TEXT())."""
    subject = f"TEXT({merge(field_ref)})" if picklist else merge(field_ref)
    terms = [f"{subject} = {literal(v)}" for v in values]
    return terms[0] if len(terms) == 1 else "OR(" + ", ".join(terms) + ")"


def eligible(record: str, stages: list[str], minimum: Decimal) -> str:
    """The invoicing gate on a record reference (`$Record` or a lookup element)."""
    amount = merge(f"{record}.Amount")
    return f"AND({any_of(f'{record}.StageName', stages)}, NOT(ISBLANK({amount})), {amount} >= {number(minimum)})"


def smallest_unit(amount_ref: str, exponent: int) -> str:
    """Amount in the currency's smallest unit (cents for usd/eur, yen for jpy)."""
    factor = 10**exponent
    scaled = merge(amount_ref) if factor == 1 else f"{merge(amount_ref)} * {factor}"
    return f"ROUND({scaled}, 0)"


def grouped_digits(number_ref: str, max_digits: int = 18) -> str:
    """A whole, non-negative number as text with a comma every three digits ("54,321").

    Built from TEXT, FLOOR, MOD and LPAD only, so the text is the same in any org whatever its
    locale. Covers numbers up to `max_digits` digits (Opportunity.Amount holds 18)."""
    x = merge(number_ref)

    def group(power: int) -> str:  # the three digits of 1000**power, zero-padded
        part = x if power == 0 else f"FLOOR({x} / {10 ** (3 * power)})"
        return f'LPAD(TEXT(MOD({part}, 1000)), 3, "0")'

    expression = f"TEXT({x})"
    for power in range(1, (max_digits + 2) // 3):
        leading = f"TEXT(FLOOR({x} / {10 ** (3 * power)}))"
        text = ' & "," & '.join([leading] + [group(p) for p in range(power - 1, -1, -1)])
        expression = f"IF({x} >= {10 ** (3 * power)}, {text}, {expression})"
    return expression


def money_text(minor_units_ref: str, major_units_ref: str, code: str, exponent: int, places: int) -> str:
    """The invoiced amount as the payer reads it, from the amount billed in the smallest unit:
    "JPY 54,321", "USD 1,250.00", "KWD 1.500" (generator.currency.format_money's form), for the
    reminder emails. Email templates then merge a text field: how Salesforce itself prints a
    currency merge field in an email is not documented (orgsim refuses it)."""
    text = f"{literal(code.upper() + ' ')} & {grouped_digits(major_units_ref)}"
    if places:
        text += f' & "." & LPAD(TEXT(MOD({merge(minor_units_ref)}, {10**exponent})), {exponent}, "0")'
    return text
