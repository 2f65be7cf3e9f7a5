"""decisions: the first rule whose conditions hold wins; otherwise the default connector."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from orgsim.flows.conditions import OPERATORS, apply_operator, compile_logic
from orgsim.flows.elements.base import Handler, register
from orgsim.flows.model import Condition
from orgsim.formula.values import FormulaRuntimeError
from sfmeta.flow_parts import Decision as DecisionPart

if TYPE_CHECKING:
    from orgsim.flows.loader import FlowLoader
    from orgsim.flows.model import Element


@dataclass
class Rule:
    name: str
    conditions: list
    logic: Callable[[list[bool]], bool]
    connector: str | None
    requires_change: bool


@register
class Decision(Handler):
    kind = "decisions"
    tags = {"rules", "defaultConnector", "defaultConnectorLabel"}

    def parse_spec(self, loader: FlowLoader, part: DecisionPart, element: Element) -> list[Rule]:
        rules = []
        for rule_part in part.rules:
            rname = loader.named(rule_part.name, "decision outcome", element.name)
            for tag in rule_part.tags:
                if tag not in (
                    "name",
                    "label",
                    "conditionLogic",
                    "conditions",
                    "connector",
                    "doesRequireRecordChangedToMeetCriteria",
                    "description",
                ):
                    loader.unsupported(element.name, f"<{tag}> in decision rule {rname}")
            conditions = []
            for cond in rule_part.conditions:
                left, op = cond.left_value_reference, cond.operator
                if op not in OPERATORS:
                    loader.unsupported(element.name, f"condition operator {op}")
                conditions.append(
                    Condition(loader.ref(left, element.name), op, loader.value(cond.right_value, element.name))
                )
            try:
                logic = compile_logic(rule_part.condition_logic, len(conditions))
            except ValueError as exc:
                loader.fail(element.name, str(exc))
            requires_change = rule_part.does_require_record_changed_to_meet_criteria
            rules.append(Rule(rname, conditions, logic, rule_part.connector, requires_change))
            loader.outcome(rname)
        element.default = part.default_connector
        return rules

    def run(self, runtime, element, interviews):
        for iv in interviews:
            try:
                chosen = None
                for rule in element.spec:
                    met = evaluate_rule(iv, rule, iv.record)
                    if met and rule.requires_change:
                        met = iv.prior_record is None or not evaluate_rule(iv, rule, iv.prior_record, prior=True)
                    iv.outputs[rule.name.lower()] = met
                    if met and chosen is None:
                        chosen = rule
                        break
            except FormulaRuntimeError as exc:
                runtime.fault(iv, element, str(exc))
                continue
            runtime.go(iv, chosen.connector if chosen else element.default)


def evaluate_rule(iv, rule: Rule, record, prior: bool = False) -> bool:
    results = []
    for cond in rule.conditions:
        path = cond.left
        if prior and path.startswith("$Record."):
            path = "$Record__Prior." + path[len("$Record.") :]
        left = iv.resolve(path)
        right = iv.value(cond.right) if cond.right else None
        changed = None
        if cond.operator == "IsChanged":
            changed = iv.prior_record is not None and iv.resolve(path) != iv.resolve(
                "$Record__Prior." + cond.left.split(".", 1)[1]
            )
        results.append(apply_operator(cond.operator, left, right, changed=changed))
    return rule.logic(results)
