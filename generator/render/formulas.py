"""Flow formula text built from the spec.

Only common formula functions are used (AND, OR, NOT, IF, ISBLANK, ISCHANGED, TEXT, ROUND,
FIND, MID, `&`), so any faithful Flow runtime (Salesforce, or our org emulator) evaluates
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
