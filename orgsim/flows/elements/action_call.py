"""actionCalls: `apex` connector actions (stripeGC__v02_*) and `emailAlert`.

Each connector request is one callout. A callout after uncommitted DML in the same
transaction fails with System.CalloutException (catchable by a fault path); the 101st callout
throws System.LimitException (not catchable). With `performDmlSaveAfterCalls` true (the
connector's default) the action does DML after its call, so a later callout in the same
transaction fails -- the reason chained actions set it to false.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from orgsim.connector import ConnectorFault
from orgsim.connector.catalog import PRIMITIVES
from orgsim.flows.elements.base import Handler, register
from orgsim.limits import CalloutNotAllowed
from sfmeta.flow_parts import ActionCall as ActionCallPart

if TYPE_CHECKING:
    from orgsim.flows.loader import FlowLoader
    from orgsim.flows.model import Element


@dataclass
class ActionSpec:
    action_type: str | None
    action_name: str | None
    inputs: list  # (name, ValueSpec)
    outputs: list  # (model field, target reference)
    store_auto: bool
    connector_action: object = None
    alert: object = None


@register
class ActionCall(Handler):
    kind = "actionCalls"
    bulk = True
    tags = {
        "actionName",
        "actionType",
        "inputParameters",
        "outputParameters",
        "storeOutputAutomatically",
        "flowTransactionModel",
        "nameSegment",
        "offset",
        "versionSegment",
        "dataTypeMappings",
    }

    def parse_spec(self, loader: FlowLoader, part: ActionCallPart, element: Element) -> ActionSpec:
        action_type, action_name = part.action_type, part.action_name
        model = part.flow_transaction_model
        if model is None:
            model = "CurrentTransaction"
        if model != "CurrentTransaction":
            loader.unsupported(element.name, f"flowTransactionModel {model}")
        inputs = []
        for p in part.input_parameters:
            inputs.append((p.name, loader.value(p.value, element.name)))
        outputs = []
        for o in part.output_parameters:
            outputs.append((o.name, o.assign_to_reference))
            loader.target(o.assign_to_reference, element.name)
        spec = ActionSpec(action_type, action_name, inputs, outputs, part.store_output_automatically)
        if action_type == "apex":
            self._parse_apex(loader, element, spec)
        elif action_type == "emailAlert":
            self._parse_alert(loader, element, spec)
        else:
            loader.unsupported(
                element.name, f"action type {action_type!r} (supported: apex connector v02_* actions, emailAlert)"
            )
        return spec

    def _parse_apex(self, loader: FlowLoader, element: Element, spec: ActionSpec) -> None:
        connector = loader.org.connector
        name = spec.action_name or ""
        owned = connector.owns(name) and name[len(connector.namespace) + 2 :].startswith("v02_")
        action = connector.action(name) if owned else None
        if action is None:
            loader.unsupported(
                element.name,
                f"apex action {spec.action_name!r} (only the {connector.namespace}__v02_* "
                "connector actions of vendor/stripe-connector-catalog.json are available)",
            )
        given = set()
        for name, _ in spec.inputs:
            param = action.param(name)
            if param is None:
                loader.fail(element.name, f"{spec.action_name} has no input {name!r}")
            if param.type not in PRIMITIVES:
                loader.unsupported(element.name, f"model-typed input {name} ({param.type}) of {spec.action_name}")
            given.add(param.name)
        missing = [p.name for p in action.params.values() if p.required and p.name not in given]
        if missing:
            loader.fail(element.name, f"{spec.action_name} requires input(s) {', '.join(missing)}")
        for name, _ in spec.outputs:
            if connector.model_field(action.returns, name) is None:
                loader.fail(element.name, f"{spec.action_name} output {action.returns} has no field {name!r}")
        spec.connector_action = action
        if spec.store_auto:
            loader.model_output(element.name, action.returns)

    def _parse_alert(self, loader, element, spec: ActionSpec) -> None:
        name = spec.action_name or ""
        if "." not in name:
            loader.fail(element.name, f"emailAlert actionName must be <Object>.<AlertName>, got {name!r}")
        obj, alert_name = name.split(".", 1)
        alert = loader.org.email_alerts.get(f"{obj}.{alert_name}".lower())
        if alert is None:
            loader.fail(element.name, f"email alert {name} is not deployed (workflows/{obj}.workflow-meta.xml)")
        if not any(n == "SObjectRowId" for n, _ in spec.inputs):
            loader.fail(element.name, f"email alert action {name} needs the SObjectRowId input")
        spec.alert = alert

    def effects(self, element) -> frozenset[str]:
        spec: ActionSpec = element.spec
        if spec.action_type != "apex":
            return frozenset()  # email alerts: queued in the transaction, neither DML nor a callout
        # The connector saves its records after its calls unless performDmlSaveAfterCalls is a
        # literal false (a formula or variable may be true for some interview: counted as DML).
        perform = dict(spec.inputs).get("performDmlSaveAfterCalls")
        no_dml = perform is not None and perform.kind == "literal" and perform.value is False
        return frozenset({"callout"} if no_dml else {"callout", "dml"})

    def run(self, runtime, element, interviews):
        spec: ActionSpec = element.spec
        prepared = []
        for iv in interviews:
            try:
                inputs = {name: iv.value(value) for name, value in spec.inputs}
                if spec.action_type == "emailAlert":
                    runtime.send_alert(spec.alert, inputs["SObjectRowId"])
                    runtime.go(iv, element.connector)
                    continue
            except ValueError as exc:  # formula errors, alerts that cannot be sent
                runtime.fault(iv, element, str(exc))
                continue
            prepared.append((iv, inputs))
        if not prepared:
            return
        results = runtime.callouts(spec.connector_action, [inputs for _, inputs in prepared])
        for (iv, _), output in zip(prepared, results):
            if isinstance(output, (ConnectorFault, CalloutNotAllowed)):
                message = str(output)
                if isinstance(output, CalloutNotAllowed):
                    message = "An Apex error occurred: " + message
                runtime.fault(iv, element, message)
                continue
            if spec.store_auto:
                iv.outputs[element.name.lower()] = output
            for name, target in spec.outputs:
                field = runtime.org.stripe.catalog.model_field(spec.connector_action.returns, name)
                iv.assign(target, output.get(field["name"]) if output else None)
            runtime.go(iv, element.connector)
