"""Formula functions: one entry per function in a registry (name -> arity + implementation).

Eager functions receive evaluated arguments; lazy ones (IF, CASE, AND, OR, BLANKVALUE, ...)
receive the evaluator and the argument nodes, so untaken branches are never evaluated, as in
Salesforce. ISCHANGED/PRIORVALUE/ISNEW need the record's prior values and are only allowed
where Salesforce allows them (record-triggered flow entry formulas).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Callable

from orgsim.formula.ast import Ref
from orgsim.formula.values import (
    FormulaRuntimeError,
    as_date,
    as_datetime,
    format_number,
    is_blank,
    round_half_up,
    to_decimal,
    to_text,
)


@dataclass(frozen=True)
class Function:
    name: str
    min_args: int
    max_args: int | None
    impl: Callable
    lazy: bool = False
    needs_prior: bool = False
    ref_arg: bool = False  # first argument must be a field reference


REGISTRY: dict[str, Function] = {}


def function(name: str, min_args: int, max_args: int | None = -1, *, lazy=False, needs_prior=False, ref_arg=False):
    def register(impl):
        REGISTRY[name] = Function(
            name, min_args, min_args if max_args == -1 else max_args, impl, lazy, needs_prior, ref_arg
        )
        return impl

    return register


def _text(value) -> str:
    return to_text(value) or ""


def _int(value, what) -> int:
    number = to_decimal(value, what)
    if number is None:
        raise FormulaRuntimeError(f"{what} is blank")
    return int(number)


# -- logic (lazy) -------------------------------------------------------------------------
@function("IF", 3, lazy=True)
def _if(ev, args):
    return ev.eval(args[1]) if ev.truthy(ev.eval(args[0])) else ev.eval(args[2])


@function("CASE", 4, None, lazy=True)
def _case(ev, args):
    if len(args) % 2 != 0:
        raise FormulaRuntimeError("CASE needs an expression, value/result pairs and an else result")
    from orgsim.formula.values import values_equal

    subject = ev.eval(args[0])
    for i in range(1, len(args) - 1, 2):
        if values_equal(subject, ev.eval(args[i])):
            return ev.eval(args[i + 1])
    return ev.eval(args[-1])


@function("AND", 1, None, lazy=True)
def _and(ev, args):
    return all(ev.truthy(ev.eval(a)) for a in args)


@function("OR", 1, None, lazy=True)
def _or(ev, args):
    return any(ev.truthy(ev.eval(a)) for a in args)


@function("NOT", 1)
def _not(value):
    return not bool(value)


@function("BLANKVALUE", 2, lazy=True)
def _blankvalue(ev, args):
    value = ev.eval(args[0])
    return ev.eval(args[1]) if is_blank(value) else value


@function("NULLVALUE", 2, lazy=True)
def _nullvalue(ev, args):
    value = ev.eval(args[0])
    return ev.eval(args[1]) if value is None else value


@function("ISBLANK", 1)
def _isblank(value):
    return is_blank(value)


@function("ISNULL", 1)
def _isnull(value):
    # Salesforce: text is never null, it is blank; we treat a missing text value as null too,
    # since flow variables can be truly null. Prefer ISBLANK (documented recommendation).
    return value is None or value == ""


@function("ISPICKVAL", 2)
def _ispickval(value, literal):
    return (value or "") == (literal or "")


@function("ISNUMBER", 1)
def _isnumber(value):
    try:
        return value is not None and to_decimal(value) is not None
    except FormulaRuntimeError:
        return False


# -- record change (entry formulas only) ---------------------------------------------------
@function("ISCHANGED", 1, lazy=True, needs_prior=True, ref_arg=True)
def _ischanged(ev, args):
    from orgsim.formula.values import values_equal

    if ev.ctx.is_new():
        return False
    return not values_equal(ev.eval(args[0]), ev.ctx.prior(args[0].path))


@function("PRIORVALUE", 1, lazy=True, needs_prior=True, ref_arg=True)
def _priorvalue(ev, args):
    if ev.ctx.is_new():
        return ev.eval(args[0])
    return ev.ctx.prior(args[0].path)


@function("ISNEW", 0, needs_prior=True, lazy=True)
def _isnew(ev, args):
    return ev.ctx.is_new()


# -- text -----------------------------------------------------------------------------------
@function("TEXT", 1)
def _text_fn(value):
    return _text(value)


@function("VALUE", 1)
def _value(value):
    if is_blank(value):
        return None
    return to_decimal(str(value).strip(), "VALUE()")


@function("LEN", 1)
def _len(value):
    return Decimal(len(_text(value)))


@function("LEFT", 2)
def _left(text, n):
    n = _int(n, "LEFT length")
    return _text(text)[: max(n, 0)]


@function("RIGHT", 2)
def _right(text, n):
    n = _int(n, "RIGHT length")
    return _text(text)[-n:] if n > 0 else ""


@function("MID", 3)
def _mid(text, start, n):
    start, n = _int(start, "MID start"), _int(n, "MID length")
    start = max(start, 1)
    return _text(text)[start - 1 : start - 1 + max(n, 0)]


@function("FIND", 2, 3)
def _find(search, text, start=None):
    search, text = _text(search), _text(text)
    begin = _int(start, "FIND start") if start is not None else 1
    if not search or begin < 1:
        return Decimal(0)
    return Decimal(text.find(search, begin - 1) + 1)


@function("SUBSTITUTE", 3)
def _substitute(text, old, new):
    text, old = _text(text), _text(old)
    return text.replace(old, _text(new)) if old else text


@function("TRIM", 1)
def _trim(text):
    return _text(text).strip()


@function("UPPER", 1)
def _upper(text):
    return _text(text).upper()


@function("LOWER", 1)
def _lower(text):
    return _text(text).lower()


@function("CONTAINS", 2)
def _contains(text, part):
    return _text(part) in _text(text)


@function("BEGINS", 2)
def _begins(text, part):
    return _text(text).startswith(_text(part))


@function("LPAD", 2, 3)
def _lpad(text, n, pad=" "):
    text, n, pad = _text(text), _int(n, "LPAD length"), _text(pad) or " "
    return text[:n] if len(text) >= n else (pad * n)[: n - len(text)] + text


@function("RPAD", 2, 3)
def _rpad(text, n, pad=" "):
    text, n, pad = _text(text), _int(n, "RPAD length"), _text(pad) or " "
    return text[:n] if len(text) >= n else text + (pad * n)[: n - len(text)]


# -- numbers --------------------------------------------------------------------------------
@function("ROUND", 2)
def _round(value, digits):
    number = to_decimal(value, "ROUND()")
    return None if number is None else round_half_up(number, _int(digits, "ROUND digits"))


@function("ABS", 1)
def _abs(value):
    number = to_decimal(value)
    return None if number is None else abs(number)


@function("FLOOR", 1)
def _floor(value):
    number = to_decimal(value)
    return None if number is None else number.to_integral_value(rounding=ROUND_FLOOR)


@function("CEILING", 1)
def _ceiling(value):
    number = to_decimal(value)
    return None if number is None else number.to_integral_value(rounding=ROUND_CEILING)


@function("MOD", 2)
def _mod(value, divisor):
    a, b = to_decimal(value), to_decimal(divisor)
    if a is None or b is None:
        return None
    if b == 0:
        raise FormulaRuntimeError("Division by zero in MOD()")
    return a - b * Decimal(math.floor(a / b)) if (a < 0) != (b < 0) else a % b


@function("MAX", 1, None)
def _max(*values):
    numbers = [to_decimal(v) for v in values]
    return None if any(n is None for n in numbers) else max(numbers)


@function("MIN", 1, None)
def _min(*values):
    numbers = [to_decimal(v) for v in values]
    return None if any(n is None for n in numbers) else min(numbers)


# -- dates ----------------------------------------------------------------------------------
@function("NOW", 0, lazy=True)
def _now(ev, args):
    return ev.ctx.now()


@function("TODAY", 0, lazy=True)
def _today(ev, args):
    return ev.ctx.now().astimezone(dt.timezone.utc).date()


@function("DATE", 3)
def _date(year, month, day):
    try:
        return dt.date(_int(year, "year"), _int(month, "month"), _int(day, "day"))
    except ValueError as exc:
        raise FormulaRuntimeError(f"DATE(): {exc}") from None


@function("DATEVALUE", 1)
def _datevalue(value):
    if is_blank(value):
        return None
    try:
        return as_date(value)
    except ValueError:
        raise FormulaRuntimeError(f"DATEVALUE(): not a date: {value!r}") from None


@function("DATETIMEVALUE", 1)
def _datetimevalue(value):
    if is_blank(value):
        return None
    try:
        return as_datetime(value)
    except ValueError:
        raise FormulaRuntimeError(f"DATETIMEVALUE(): not a date/time: {value!r}") from None


@function("ADDMONTHS", 2)
def _addmonths(value, months):
    """Same day of month; if the start is the last day of its month, or the day does not exist
    in the target month, the result is the last day of the target month."""
    if value is None or months is None:
        return None
    is_datetime = isinstance(value, dt.datetime)
    start = as_date(value)
    n = _int(months, "ADDMONTHS months")
    index = start.year * 12 + (start.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    at_month_end = start.day == calendar.monthrange(start.year, start.month)[1]
    result = dt.date(year, month, last if at_month_end else min(start.day, last))
    if is_datetime:
        return value.replace(year=result.year, month=result.month, day=result.day)
    return result


@function("YEAR", 1)
def _year(value):
    return None if value is None else Decimal(as_date(value).year)


@function("MONTH", 1)
def _month(value):
    return None if value is None else Decimal(as_date(value).month)


@function("DAY", 1)
def _day(value):
    return None if value is None else Decimal(as_date(value).day)


def check_call(name: str, nargs: int, args: tuple, *, allow_prior: bool) -> Function:
    """Compile-time check of one call: known function, arity, where it may be used."""
    fn = REGISTRY.get(name)
    if fn is None:
        raise KeyError(f"unknown or unsupported function {name}()")
    if nargs < fn.min_args or (fn.max_args is not None and nargs > fn.max_args):
        expected = str(fn.min_args) if fn.min_args == fn.max_args else f"{fn.min_args} to {fn.max_args or 'any'}"
        raise KeyError(f"{name}() takes {expected} arguments, got {nargs}")
    if fn.needs_prior and not allow_prior:
        raise KeyError(f"{name}() is only allowed in a record-triggered flow's entry condition formula")
    if fn.ref_arg and not isinstance(args[0], Ref):
        raise KeyError(f"{name}() takes a field reference")
    return fn


__all__ = ["REGISTRY", "Function", "check_call", "format_number"]
