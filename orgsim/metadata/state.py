"""The org's deployed metadata, and applying a Bundle to a copy of it (all or nothing)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from orgsim.errors import MetadataError, UnknownField, UnknownObject
from orgsim.formula import Formula, FormulaError
from orgsim.metadata.bundle import Bundle
from orgsim.schema.deployed import apply_business_process, apply_custom_object, field_from_metadata
from orgsim.schema.model import Schema
from sfmeta.xml import flag, text


@dataclass
class ValidationRule:
    object: str
    name: str
    formula: Formula
    message: str
    display_field: str | None


@dataclass
class MetadataState:
    schema: Schema
    flows: dict = field(default_factory=dict)  # API name -> FlowDef
    email_templates: dict = field(default_factory=dict)  # Folder/Name -> EmailTemplate
    email_alerts: dict = field(default_factory=dict)  # "object.alert" (lower) -> Alert
    validation_rules: dict = field(default_factory=dict)  # object -> [ValidationRule]
    record_types: dict = field(
        default_factory=dict
    )  # (object, DeveloperName) -> {label, active, business_process, description}
    business_processes: dict = field(default_factory=dict)
    # The namespace the connector is installed under (StripeConfig.connector_namespace): flows
    # are checked against the catalog's actions in it.
    connector_namespace: str | None = None

    @property
    def connector(self):
        from orgsim.connector.catalog import catalog

        return catalog(self.connector_namespace)

    def copy(self) -> "MetadataState":
        return copy.deepcopy(self)


@dataclass
class DeployedComponent:
    type: str
    full_name: str
    file: str

    def to_dict(self) -> dict:
        return {"componentType": self.type, "fullName": self.full_name, "fileName": self.file}


def apply_bundle(
    state: MetadataState, bundle: Bundle, *, superseded_flows: frozenset[str] = frozenset()
) -> list[DeployedComponent]:
    """Apply in dependency order; raises MetadataError naming the file/element on the first problem.

    `superseded_flows`: flows a later deployment replaces, when the org replays its stored
    deployments at open (Org._replay_deployments). They were loaded and checked when they were
    deployed, and nothing but the later version survives the replay, so they are not loaded
    again (loading a flow is most of a deployment's cost)."""
    from orgsim.email.alerts import parse_alert
    from orgsim.email.templates import parse_template
    from orgsim.flows.loader import load_flow

    done: list[DeployedComponent] = []
    schema = state.schema

    def record(comp, full_name=None):
        done.append(
            DeployedComponent(
                comp.type,
                full_name
                or (f"{comp.object}.{comp.name}" if comp.object and comp.type != "CustomObject" else comp.name),
                comp.where.split(":")[0],
            )
        )

    for comp in bundle.of("CustomObject"):
        apply_custom_object(schema, comp)
        record(comp)
    for comp in bundle.of("CustomField"):
        sobject = _object(schema, comp)
        fdef = field_from_metadata(sobject, comp, schema)
        if sobject.has_field(fdef.name) and not sobject.field(fdef.name).custom:
            raise MetadataError(
                f"{fdef.name} is a standard field of {sobject.name} and cannot be redefined", where=comp.where
            )
        sobject.add_field(fdef)
        record(comp)
    for comp in bundle.of("BusinessProcess"):
        _object(schema, comp)
        state.business_processes[(comp.object, comp.name)] = apply_business_process(schema, comp)
        record(comp)
    for comp in bundle.of("RecordType"):
        sobject = _object(schema, comp)
        bp = text(comp.element, "businessProcess")
        if sobject.name == "Opportunity" and bp and (sobject.name, bp) not in state.business_processes:
            raise MetadataError(
                f"record type {comp.name} uses business process {bp!r}, which is not deployed", where=comp.where
            )
        state.record_types[(sobject.name, comp.name)] = {
            "label": text(comp.element, "label", comp.name) or comp.name,
            "active": flag(comp.element, "active", True),
            "business_process": bp,
            "description": text(comp.element, "description"),
        }
        record(comp)
    for comp in bundle.of("ValidationRule"):
        sobject = _object(schema, comp)
        try:
            formula = Formula.compile(text(comp.element, "errorConditionFormula", "") or "", allow_prior=True)
        except FormulaError as exc:
            raise MetadataError(str(exc), where=comp.where) from None
        for path in formula.references:
            parts = path.split(".")
            if parts[0].startswith("$"):
                raise MetadataError(f"validation rule references {path}, which is not supported", where=comp.where)
            from orgsim.flows.records import check_field_path

            try:
                check_field_path(state, sobject, parts)
            except (UnknownField, UnknownObject) as exc:
                raise MetadataError(f"validation rule {comp.name}: {exc}", where=comp.where) from None
        rules = [r for r in state.validation_rules.get(sobject.name, []) if r.name != comp.name]
        if flag(comp.element, "active", True):
            rules.append(
                ValidationRule(
                    sobject.name,
                    comp.name,
                    formula,
                    text(comp.element, "errorMessage", "") or "",
                    text(comp.element, "errorDisplayField"),
                )
            )
        state.validation_rules[sobject.name] = rules
        record(comp)
    for comp in bundle.of("EmailTemplate"):
        state.email_templates[comp.name] = parse_template(comp)
        record(comp)
    for comp in bundle.of("WorkflowAlert"):
        _object(schema, comp)
        alert = parse_alert(state, comp)
        state.email_alerts[f"{alert.object}.{alert.name}".lower()] = alert
        record(comp)
    for comp in bundle.of("Flow"):
        if comp.name not in superseded_flows:
            state.flows[comp.name] = load_flow(state, comp)
        record(comp)
    return done


def _object(schema: Schema, comp):
    try:
        return schema.get(comp.object)
    except UnknownObject:
        raise MetadataError(
            f"object {comp.object!r} does not exist in the org (deploy its CustomObject first)", where=comp.where
        ) from None
