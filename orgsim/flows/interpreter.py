"""Running flows: record triggers, and bulkified execution of interviews.

Bulkification (Salesforce Help, "Flow Bulkification in Transactions"): when several
interviews of one flow run in one transaction, each runs until it reaches an element that
touches the database or calls out (Get/Create/Update/Delete Records, actions); the interviews
waiting at the same element are then served by one operation -- one query, one DML statement.
That is how a 200-record save stays within 100 queries. Connector actions still make one
callout per interview (one HTTP request each).

Which group is served first when interviews wait at *different* elements is not documented
(the Help page only says Salesforce then serves the other elements' groups the same way and
repeats until all interviews finish:
https://help.salesforce.com/s/articleView?id=platform.flow_concepts_bulkification.htm&type=5).
orgsim therefore picks the order that hurts (fail closed): a group at a DML element before a
group at a callout, so a flow whose correctness depends on a lucky order fails here
(`next_element`).
"""

from __future__ import annotations

import uuid

from orgsim.dml.results import SaveError
from orgsim.email.alerts import queue_alert
from orgsim.flows.conditions import apply_operator, compile_logic
from orgsim.flows.context import RecordFormulaContext
from orgsim.flows.elements import REGISTRY
from orgsim.flows.interview import MAX_STEPS, Interview
from orgsim.formula.values import FormulaRuntimeError
from orgsim.limits import CalloutNotAllowed

OPS = {"insert": ("Create", "CreateAndUpdate"), "update": ("Update", "CreateAndUpdate")}


def flow_trigger_error(flow, message: str) -> SaveError:
    return SaveError(
        "CANNOT_EXECUTE_FLOW_TRIGGER",
        f"We can't save this record because the \u201c{flow.label}\u201d process failed. "
        f"Give your Salesforce admin these details. {message}",
    )


class Execution:
    """Flow work inside one transaction: the services element handlers use."""

    def __init__(self, org, tx):
        self.org = org
        self.tx = tx

    # -- services for handlers ---------------------------------------------------------------------
    def go(self, iv, target):
        iv.current = target
        if target is None:
            iv.status = "done"

    def fault(self, iv, element, message: str):
        if element.fault_connector:
            iv.fault_message = message
            self.go(iv, element.fault_connector)
        else:
            iv.status = "failed"
            iv.error = message
            iv.failed_element = element.name

    def count_query(self, rows: int) -> None:
        self.tx.usage.query(rows)

    def save(self, op: str, sobject_name: str, items: list) -> list:
        sobject = self.org.schema.get(sobject_name)
        self.tx.usage.dml_statement(len(items))
        results = []
        engine = self.org.engine
        for start in range(0, len(items), 200):  # triggers see chunks of 200
            chunk = items[start : start + 200]
            if op == "insert":
                results += engine.insert(self.tx, sobject, chunk)
            elif op == "update":
                results += engine.update(self.tx, sobject, chunk)
            else:
                results += engine.delete(self.tx, sobject, chunk)
        return results

    def callouts(self, action, inputs_list: list[dict]) -> list:
        """One bulkified connector action: every interview's request, then the connector's DML.

        Returns each request's output or ConnectorFault / CalloutNotAllowed, in order. A callout
        after uncommitted DML fails (catchable); past 100 callouts the requests within the limit
        are made and then System.LimitException is thrown (not catchable).
        """
        if self.tx.pending_dml:
            return [CalloutNotAllowed() for _ in inputs_list]
        usage = self.tx.usage
        allowed = max(0, min(len(inputs_list), usage.limits["callouts"] - usage.callouts))
        results = self.org.stripe.call_many(action, inputs_list[:allowed]) if allowed else []
        usage.callouts += allowed
        if allowed < len(inputs_list):
            usage.callout()  # the 101st: System.LimitException
        outputs = []
        for result in results:
            if isinstance(result, tuple):
                usage.callout_time(result[1])
                outputs.append(result[0])
            else:
                outputs.append(result)
        if any(inputs.get("performDmlSaveAfterCalls") is not False for inputs in inputs_list):
            # The connector saves its records after all its calls: uncommitted work from here on.
            self.tx.pending_dml = True
        return outputs

    def send_alert(self, alert, record_id) -> None:
        queue_alert(self.org, self.tx, alert, record_id)

    # -- running interviews -------------------------------------------------------------------------
    def run(self, flow, interviews: list[Interview]) -> None:
        self.tx.usage.interviews += len(interviews)
        pending = [iv for iv in interviews if iv.status == "running"]
        while pending:
            for iv in pending:
                self._advance(flow, iv)
            waiting = [iv for iv in pending if iv.status == "running"]
            if not waiting:
                return
            name = next_element(flow, waiting)
            element = flow.elements[name]
            group = [iv for iv in waiting if iv.current == name]
            for iv in group:
                iv.steps += 1
            REGISTRY[element.kind].run(self, element, group)
            pending = waiting

    def _advance(self, flow, iv: Interview) -> None:
        while iv.status == "running":
            element = flow.elements[iv.current]
            handler = REGISTRY[element.kind]
            if handler.bulk:
                return
            iv.steps += 1
            if iv.steps > MAX_STEPS:
                iv.status, iv.failed_element = "failed", element.name
                iv.error = f"The flow exceeded {MAX_STEPS} executed elements (a loop in the flow's connectors?)"
                return
            handler.run(self, element, [iv])


class FlowRuntime:
    """Finds the flows a save triggers and runs them in Salesforce's order."""

    def __init__(self, org):
        self.org = org

    def flows_for(self, sobject: str, trigger_type: str, op: str) -> list:
        flows = [
            f
            for f in self.org.metadata.flows.values()
            if f.active
            and f.start.object == sobject
            and f.start.trigger_type == trigger_type
            and f.start.record_trigger_type in OPS[op]
        ]
        # Trigger order first (flows without one after those with one), then API name.
        return sorted(flows, key=lambda f: (f.trigger_order is None, f.trigger_order or 0, f.name))

    def run_trigger(self, tx, sobject, when: str, op: str, records: list[dict], priors: list) -> dict[int, SaveError]:
        if op not in OPS:
            return {}
        trigger_type = "RecordBeforeSave" if when == "before" else "RecordAfterSave"
        flows = self.flows_for(sobject.name, trigger_type, op)
        failures: dict[int, SaveError] = {}
        if not flows:
            return failures
        execution = Execution(self.org, tx)
        scheduler = self.org.scheduler
        for flow in flows:
            interviews = []
            for pos, record in enumerate(records):
                if pos in failures:
                    continue
                prior = priors[pos]
                try:
                    meets = entry_met(self.org, flow, sobject, record, prior)
                    fires = meets
                    if meets and prior is not None and flow.start.requires_change:
                        fires = not entry_met(self.org, flow, sobject, prior, prior)
                except FormulaRuntimeError as exc:
                    failures[pos] = flow_trigger_error(flow, f"Error evaluating the entry conditions: {exc}")
                    continue
                if when == "after" and prior is not None:
                    scheduler.on_update(tx, flow, record, prior, meets)
                if not fires:
                    continue
                if when == "after":
                    scheduler.enqueue_paths(tx, flow, record, prior, "update" if prior is not None else "create")
                if flow.start.connector:
                    subject = record if when == "before" else dict(record)
                    iv = Interview(
                        self.org,
                        flow,
                        subject,
                        prior,
                        guid=new_guid(),
                        start_element=flow.start.connector,
                        record_key=pos,
                    )
                    interviews.append(iv)
            if interviews:
                execution.run(flow, interviews)
            for iv in interviews:
                if iv.status == "failed":
                    custom = getattr(iv, "custom_error", None)
                    failures[iv.record_key] = (
                        SaveError("FIELD_CUSTOM_VALIDATION_EXCEPTION", custom[0], custom[1])
                        if custom
                        else flow_trigger_error(flow, iv.error or "unknown error")
                    )
        return failures


def next_element(flow, waiting: list[Interview]) -> str:
    """The element whose waiting group is served next.

    Undocumented in Salesforce (see the module docstring), so the hurtful order: when some group
    waits at a callout, serve a DML group first -- a pure DML element (Create/Update/Delete
    Records) before a connector action that also does DML -- so every callout still pending in
    that transaction fails with "You have uncommitted work pending". Otherwise the group of the
    first waiting interview (the order the records were saved in).
    """
    groups: dict[str, frozenset[str]] = {}
    currents = [iv.current for iv in waiting if iv.current is not None]  # a waiting interview is at an element
    for current in currents:
        if current not in groups:
            element = flow.elements[current]
            groups[current] = REGISTRY[element.kind].effects(element)
    if len(groups) > 1 and any("callout" in effects for effects in groups.values()):
        for wanted in (frozenset({"dml"}), frozenset({"callout", "dml"})):
            for name, effects in groups.items():
                if effects == wanted:
                    return name
    return currents[0]


def entry_met(org, flow, sobject, record: dict, prior: dict | None) -> bool:
    start = flow.start
    if start.filters:
        results = []
        for cond in start.filters:
            right = cond.right.value if cond.right and cond.right.kind == "literal" else None  # literals only (loader)
            changed = prior is not None and record.get(cond.left) != prior.get(cond.left)
            results.append(apply_operator(cond.operator, record.get(cond.left), right, changed=changed))
        if not compile_logic(start.filter_logic, len(results))(results):
            return False
    if start.filter_formula is not None:
        ctx = RecordFormulaContext(org, sobject, record, prior)
        return start.filter_formula.evaluate(ctx) is True
    return True


def new_guid() -> str:
    return uuid.uuid4().hex
