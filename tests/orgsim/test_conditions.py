"""Condition logic shared by decisions, entry conditions and record filters."""

import itertools

import pytest

from orgsim.flows.conditions import compile_logic, fold_logic, parse_logic
from orgsim.storage.predicate import And, Compare, Not, Or


@pytest.mark.parametrize(
    "logic,expected",
    [
        ("and", lambda a, b, c: a and b and c),
        ("OR", lambda a, b, c: a or b or c),
        ("1 AND (2 OR 3)", lambda a, b, c: a and (b or c)),
        ("1 OR 2 AND 3", lambda a, b, c: a or (b and c)),
        ("NOT 1 AND (NOT (2 OR 3))", lambda a, b, c: (not a) and not (b or c)),
    ],
)
def test_logic_truth_tables(logic, expected):
    fn = compile_logic(logic, 3)
    for values in itertools.product([True, False], repeat=3):
        assert fn(list(values)) == expected(*values), (logic, values)


@pytest.mark.parametrize("logic", ["1 AND 4", "1 AND (2", "1 2", "1 AND", "1 XOR 2"])
def test_bad_logic_is_refused(logic):
    with pytest.raises(ValueError):
        parse_logic(logic, 3)


def test_logic_translates_to_predicates():
    parts = [Compare("A", "=", 1), Compare("B", "=", 2), Compare("C", "=", 3)]
    tree = parse_logic("1 OR NOT (2 AND 3)", 3)
    pred = fold_logic(tree, lambda i: parts[i], lambda a, b: And((a, b)), lambda a, b: Or((a, b)), Not)
    assert pred == Or((parts[0], Not(And((parts[1], parts[2])))))
