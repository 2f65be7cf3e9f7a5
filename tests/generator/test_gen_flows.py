"""The flow contract: what the org emulator, the validator and a Salesforce org rely on."""

from __future__ import annotations

import json
import re

import pytest
from gen_flowxml import all_of, inputs, nodes, normal_targets, parse, resources, text, value_of
from gen_support import flows_of

from generator.flow_kinds import FLOW_KINDS
from sfpay.paths import CONNECTOR_CATALOG_PATH

ALLOWED_FUNCTIONS = {
    "AND",
    "OR",
    "NOT",
    "IF",
    "ISBLANK",
    "ISCHANGED",
    "PRIORVALUE",
    "TEXT",
    "VALUE",
    "ROUND",
    "MID",
    "FIND",
    "LEN",
    "SUBSTITUTE",
    "TRIM",
    "LEFT",
    # The amount as the payer reads it ({amount} in reminders): digit groups and decimals.
    "FLOOR",
    "MOD",
    "LPAD",
}
SALESFORCE_ID = re.compile(r"\b(?:[a-zA-Z0-9]{3}[0-9][a-zA-Z0-9]{11}(?:[a-zA-Z0-9]{3})?)\b")


@pytest.fixture(scope="module")
def catalog():
    return json.loads(CONNECTOR_CATALOG_PATH.read_text(encoding="utf-8"))


def _flows(rendered):
    name, files = rendered
    return {api: parse(data) for api, data in flows_of(files).items()}


def _by_kind(rendered, spec_by_name):
    name, files = rendered
    spec = spec_by_name[name]
    flows = _flows(rendered)
    return spec, {kind.key: flows[getattr(spec.flows, kind.key).api_name] for kind in FLOW_KINDS}


@pytest.fixture
def spec_by_name(default_spec, eu_spec):
    return {"default": default_spec, "eu": eu_spec}


def test_every_connector_target_exists(rendered):
    for api, root in _flows(rendered).items():
        known = set(nodes(root))
        for ref in root.iter("{*}targetReference"):
            assert ref.text in known, f"{api}: connector to unknown element {ref.text}"


def test_every_action_lookup_and_dml_has_a_fault_path_to_a_sync_log(rendered, spec_by_name):
    spec = spec_by_name[rendered[0]]
    sync_log = f"{spec.stripe.namespace}__Sync_Log__c"
    for api, root in _flows(rendered).items():
        elements = nodes(root)
        for name, (tag, element) in elements.items():
            if tag not in ("actionCalls", "recordLookups", "recordCreates", "recordUpdates"):
                continue
            if name.startswith("Log_Fault_"):
                continue  # a fault handler: nothing left to report its own failure to
            target = text(element, "faultConnector/targetReference")
            assert target, f"{api}: {name} has no faultConnector"
            if name == "Send_Invoice":
                # An unsent invoice is voided first (a callout must precede any DML), then logged
                # with the send's fault message, captured before the void ran.
                assert target == "Capture_Send_Fault"
                assert text(elements["Void_Unsent_Invoice"][1], "connector/targetReference") == "Log_Fault_Send_Invoice"
                target = "Log_Fault_Send_Invoice"
            log_tag, log = elements[target]
            assert log_tag == "recordCreates" and text(log, "object") == sync_log, f"{api}: {name}"
            assigned = {k: value_of(v) for k, v in inputs(log, "inputAssignments").items()}
            message = "Captured_Fault" if name == "Send_Invoice" else "$Flow.FaultMessage"
            assert assigned[f"{spec.stripe.namespace}__Message__c"] == ("elementReference", message)
            assert "Failed: " in assigned[f"{spec.stripe.namespace}__Action_Taken__c"][1]
            details = assigned[f"{spec.stripe.namespace}__Error_Details__c"]
            assert details[0] == "elementReference"
            template = text(resources(root)[details[1]][1], "text")
            assert "{!$Record.Id}" in template, f"{api}: fault details must carry the triggering record id"


def test_stripe_actions_match_the_connector_catalog(rendered, catalog, spec_by_name):
    spec = spec_by_name[rendered[0]]
    common = {p["name"] for p in catalog["common_params"]}
    for api, root in _flows(rendered).items():
        for name, (tag, element) in nodes(root).items():
            if tag != "actionCalls" or text(element, "actionType") != "apex":
                continue
            action = text(element, "actionName")
            assert action in catalog["actions"], f"{api}: {name} calls unknown action {action}"
            assert action.startswith(f"{spec.stripe.namespace}__v02_")
            params = {p["name"]: p for p in catalog["actions"][action]["params"]}
            given = inputs(element)
            unknown = set(given) - set(params) - common
            assert not unknown, f"{api}: {name} passes unknown inputs {unknown}"
            missing = {p for p, d in params.items() if d["required"]} - set(given)
            assert not missing, f"{api}: {name} lacks required inputs {missing}"
            assert value_of(given["accountRecordId"]) == ("elementReference", "Get_Stripe_Account.Id")
            assert value_of(given["performDmlSaveAfterCalls"]) == ("booleanValue", "false")
            # Set explicitly, as Stripe's reference flows do (issue 12, defect 8).
            assert value_of(given["ignoreBillingSyncEventProcessing"]) == ("booleanValue", "true"), f"{api}: {name}"
            if catalog["actions"][action]["method"] == "GET":
                assert "idempotencyKey" not in given, f"{api}: {name}: Stripe ignores keys on GET"
                continue
            key_kind, key_ref = value_of(given["idempotencyKey"])
            assert key_kind == "elementReference"
            key_formula = text(resources(root)[key_ref][1], "expression")
            assert "InterviewGuid" not in key_formula and "CurrentDateTime" not in key_formula
            for param, value in given.items():
                kind, _ = value_of(value)
                if param in params and not params[param]["type"].startswith(
                    ("String", "Integer", "Boolean", "Long", "Decimal", "Double")
                ):
                    pytest.fail(f"{api}: {name}.{param} is model-typed ({params[param]['type']}); Flow cannot build it")


def _walk_no_callout_after_dml(api, elements, start, seen_dml=False, visited=None):
    visited = visited if visited is not None else set()
    if (start, seen_dml) in visited:
        return
    visited.add((start, seen_dml))
    tag, element = elements[start]
    if tag == "actionCalls" and text(element, "actionType") == "apex":
        assert not seen_dml, f"{api}: callout {start} after DML (uncommitted work pending)"
    if tag in ("recordCreates", "recordUpdates"):
        seen_dml = True
    for target in normal_targets(tag, element):
        _walk_no_callout_after_dml(api, elements, target, seen_dml, visited)


def _callout_order(elements, start) -> list[str]:
    """Connector actions along the success path (normal connectors, first rule/default)."""
    order, seen, queue = [], set(), [start]
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        tag, element = elements[name]
        if tag == "actionCalls" and text(element, "actionType") == "apex":
            order.append(name)
        queue.extend(normal_targets(tag, element))
    return order


def test_all_callouts_precede_dml_and_sit_on_the_stripe_path(rendered, spec_by_name):
    """Issue 12, defect 1: every Stripe call runs on a scheduled path with batch size 1 (one
    record per transaction), so no interview's DML can precede another interview's callout."""
    spec, flows = _by_kind(rendered, spec_by_name)
    for kind in ("create", "update", "event"):
        root = flows[kind]
        start = root.find("{*}start")
        assert text(start, "connector/targetReference") is None, "no immediate path in Stripe flows"
        paths = all_of(start, "scheduledPaths")
        assert [
            (
                text(p, "pathType"),
                text(p, "maxBatchSize"),
                text(p, "timeSource"),
                text(p, "offsetNumber"),
                text(p, "offsetUnit"),
            )
            for p in paths
        ] == [(None, "1", "RecordTriggerEvent", "1", "Minutes")]
        elements = nodes(root)
        _walk_no_callout_after_dml(kind, elements, text(paths[0], "connector/targetReference"))
    create = nodes(flows["create"])
    assert {
        "Get_Customer",
        "Create_Customer",
        "Create_Invoice",
        "Create_Invoice_Item",
        "Finalize_Invoice",
        "Send_Invoice",
    } <= set(create)
    update = nodes(flows["update"])
    order = _callout_order(update, "Get_Opportunity")
    # Defect 4: the replacement is issued completely before the old invoice is voided.
    assert (
        order.index("Get_Previous_Invoice")
        < order.index("Create_Invoice")
        < order.index("Finalize_Invoice")
        < order.index("Send_Invoice")
        < order.index("Void_Invoice")
    )
    assert text(update["Void_Invoice"][1], "faultConnector/targetReference") == "Log_Fault_Void_Invoice"
    assert text(update["Log_Fault_Void_Invoice"][1], "connector/targetReference") == "Mark_Void_Failed"


def test_triggers_and_entry_conditions(rendered, spec_by_name):
    spec, flows = _by_kind(rendered, spec_by_name)
    expected = {
        "create": ("Opportunity", "Create", "false"),
        "update": ("Opportunity", "Update", "true"),
        "reminder": ("Opportunity", "CreateAndUpdate", "true"),
        "event": (f"{spec.stripe.namespace}__Stripe_Event__c", "Create", "false"),
    }
    for kind, (obj, trigger, changed) in expected.items():
        root = flows[kind]
        start = root.find("{*}start")
        assert text(start, "object") == obj
        assert text(start, "recordTriggerType") == trigger
        assert text(start, "triggerType") == "RecordAfterSave"
        assert text(start, "doesRequireRecordChangedToMeetCriteria") == changed
        assert text(root, "processType") == "AutoLaunchedFlow"
        assert text(root, "status") == spec.flows.status
        assert text(root, "apiVersion") == spec.api_version
        # Defect 9: an explicit trigger order and the auto-layout canvas.
        assert text(root, "triggerOrder") is not None, kind
        canvas = [p for p in all_of(root, "processMetadataValues") if text(p, "name") == "CanvasMode"]
        assert [text(p, "value/stringValue") for p in canvas] == ["AUTO_LAYOUT_CANVAS"]
        # Defect 5: entry conditions are state only; ISCHANGED/PRIORVALUE with "only when
        # updated to meet the condition requirements" has no documented meaning.
        entry = text(start, "filterFormula") or ""
        assert "ISCHANGED" not in entry and "PRIORVALUE" not in entry, kind
    update_entry = text(flows["update"].find("{*}start"), "filterFormula")
    assert spec.fields.retry_invoicing.api_name in update_entry and spec.fields.invoicing_error.api_name in update_entry


def test_reminder_paths_and_record_type_routing(rendered, spec_by_name):
    spec, flows = _by_kind(rendered, spec_by_name)
    root = flows["reminder"]
    paths = all_of(root.find("{*}start"), "scheduledPaths")
    assert [(text(p, "offsetNumber"), text(p, "offsetUnit")) for p in paths] == [
        (str(o.number), o.unit) for o in spec.reminders.offsets
    ]
    for path in paths:
        assert text(path, "timeSource") == "RecordField"
        assert text(path, "recordField") == spec.fields.invoice_date.api_name
        assert text(path, "connector/targetReference") == "Get_Opportunity"  # re-read first
    elements = nodes(root)
    route = elements["Route_By_Record_Type"][1]
    routed = {}
    for rule in all_of(route, "rules"):
        condition = rule.find("{*}conditions")
        assert text(condition, "leftValueReference") == "$Record.RecordType.DeveloperName"
        routed[text(condition, "rightValue/stringValue")] = text(rule, "connector/targetReference")
    assert sorted(routed) == sorted(rt.developer_name for rt in spec.record_types.types)
    fallback = elements[text(route, "defaultConnector/targetReference")][1]
    assert text(fallback, "actionName") == f"Opportunity.{spec.fallback_reminder.alert_name}"
    for rt in spec.record_types.types:
        action = elements[routed[rt.developer_name]][1]
        assert text(action, "actionType") == "emailAlert"
        assert text(action, "actionName") == f"Opportunity.{rt.reminder.alert_name}"
        assert value_of(inputs(action)["SObjectRowId"]) == ("elementReference", "$Record.Id")


def test_event_flow_reads_the_invoice_and_never_downgrades_paid(rendered, spec_by_name):
    """Defect 6: the event is a hint; the flow applies the invoice's current status in Stripe."""
    spec, flows = _by_kind(rendered, spec_by_name)
    root = flows["event"]
    start = root.find("{*}start")
    assert text(start, "filterLogic") == "or"
    assert sorted(text(f, "value/stringValue") for f in all_of(start, "filters")) == sorted(spec.events)
    elements = nodes(root)
    assert text(elements["Get_Invoice"][1], "actionName") == f"{spec.stripe.namespace}__v02_GetInvoices"
    status = spec.fields.payment_status
    mapped = {}
    for rule in all_of(elements["Map_Invoice_Status"][1], "rules"):
        assignment = elements[text(rule, "connector/targetReference")][1]
        value = text(assignment, "assignmentItems/value/stringValue")
        conditions = [
            (text(c, "leftValueReference"), text(c, "rightValue/stringValue")) for c in all_of(rule, "conditions")
        ]
        stripe_status = conditions[0]
        assert stripe_status[0] == "Get_Invoice.status"
        events = tuple(sorted(v for left, v in conditions[1:]))
        mapped[(stripe_status[1], events)] = value
    assert mapped[("paid", ())] == status.paid and mapped[("void", ())] == status.void
    assert mapped[("open", ())] == status.open
    for event, value in spec.events.items():
        if value not in (status.paid, status.void, status.open) and event != "invoice.marked_uncollectible":
            assert any(event in events and v == value for (s, events), v in mapped.items() if s == "open"), event
    guard = elements["Check_Paid_Downgrade"][1]
    first_rule = all_of(guard, "rules")[0]
    assert text(first_rule, "name") == "Already_Paid"
    keep = elements[text(first_rule, "connector/targetReference")][1]
    kept_fields = set(inputs(keep, "inputAssignments"))
    assert status.api_name not in kept_fields
    assert spec.fields.last_event.api_name in kept_fields
    paid = elements["Update_Paid"][1]
    assert value_of(inputs(paid, "inputAssignments")["StageName"]) == ("stringValue", spec.invoicing.won_stage)


FUNCTION_CALL = re.compile(r"\b([A-Z][A-Z_]*)\s*\(")
MERGE = re.compile(r"\{!([^}]+)\}")


def test_formulas_use_common_functions_and_known_references(rendered):
    for api, root in _flows(rendered).items():
        names = set(nodes(root)) | set(resources(root))
        texts = [text(f, "expression") for f in all_of(root, "formulas")]
        texts += [text(t, "text") for t in all_of(root, "textTemplates")]
        start_formula = text(root.find("{*}start"), "filterFormula")
        if start_formula:
            texts.append(start_formula)
        for formula in (t for t in texts if t):
            no_strings = re.sub(r'"(?:\\.|[^"\\])*"', '""', formula)
            used = set(FUNCTION_CALL.findall(no_strings))
            assert used <= ALLOWED_FUNCTIONS, f"{api}: {used - ALLOWED_FUNCTIONS} in {formula}"
        for ref in [m for t in texts if t for m in MERGE.findall(t)] + [
            e.text for e in root.iter("{*}elementReference", "{*}leftValueReference")
        ]:
            head = ref.split(".")[0]
            assert head in names or head in ("$Record", "$Flow"), f"{api}: unknown reference {ref}"


def test_no_hard_coded_ids_or_urls(rendered):
    _, files = rendered
    for path, data in files.items():
        if not path.endswith(".flow-meta.xml"):
            continue
        body = data.decode()
        assert "http://" not in body.replace("http://soap.sforce.com/2006/04/metadata", "")
        assert "https://" not in body, path
        for value in re.findall(r"<(?:stringValue|expression|text)>([^<]*)<", body):
            assert not SALESFORCE_ID.findall(value), f"{path}: looks like a record id: {value}"


def test_alerts_templates_and_permissions_are_consistent(rendered, spec_by_name):
    name, files = rendered
    spec = spec_by_name[name]
    workflow = parse(files["main/default/workflows/Opportunity.workflow-meta.xml"])
    alerts = {text(a, "fullName"): text(a, "template") for a in all_of(workflow, "alerts")}
    expected = {rt.reminder.alert_name for rt in spec.record_types.types} | {spec.fallback_reminder.alert_name}
    assert set(alerts) == expected
    for template in alerts.values():
        assert f"main/default/email/{template}.email" in files
        assert f"main/default/email/{template}.email-meta.xml" in files
    perms = parse(files[f"main/default/permissionsets/{spec.permission_set.name}.permissionset-meta.xml"])
    granted = {text(p, "field") for p in all_of(perms, "fieldPermissions")}
    fields = {
        p.split("/")[3] + "." + p.split("/")[-1].removesuffix(".field-meta.xml")
        for p in files
        if p.endswith(".field-meta.xml")
    }
    assert granted == fields
    assert all(text(p, "readable") == "true" for p in all_of(perms, "fieldPermissions"))


def _max_callouts(elements, name, memo) -> int:
    if name not in memo:
        memo[name] = 0  # the flows are acyclic; this guards the recursion anyway
        tag, element = elements[name]
        own = 1 if tag == "actionCalls" and text(element, "actionType") == "apex" else 0
        memo[name] = own + max((_max_callouts(elements, t, memo) for t in normal_targets(tag, element)), default=0)
    return memo[name]


def test_stripe_paths_stay_within_the_callout_budget(rendered, spec_by_name):
    # Up to maxBatchSize interviews share one transaction; the flows may use 80 of its 100 callouts.
    spec, flows = _by_kind(rendered, spec_by_name)
    for kind, at_least in (("create", 5), ("update", 7), ("event", 1)):
        root = flows[kind]
        path = root.find("{*}start").find("{*}scheduledPaths")
        batch = int(text(path, "maxBatchSize"))
        longest = _max_callouts(nodes(root), text(path, "connector/targetReference"), {})
        assert longest >= at_least
        assert batch * longest <= 80, f"{kind}: {batch} interviews x {longest} callouts"


def test_lookups_query_exactly_the_fields_the_flow_reads(rendered):
    for api, root in _flows(rendered).items():
        body = "\n".join(node.text for node in root.iter() if isinstance(node.tag, str) and node.text)
        for element in all_of(root, "recordLookups"):
            name = text(element, "name")
            queried = [q.text for q in all_of(element, "queriedFields")]
            assert queried and queried[0] == "Id" and queried[1:] == sorted(queried[1:]), f"{api}: {name}"
            read = set(re.findall(rf"(?<![A-Za-z0-9_]){name}\.([A-Za-z0-9_]+)", body)) | {"Id"}
            if read == {"Id"}:
                # Flow Scanner 6.6 reads a single queriedFields as "all fields": the lookup's
                # first filter field (whose value the flow knows) is queried too.
                read.add(text(element, "filters/field"))
            assert read == set(queried), f"{api}: {name} reads {sorted(read)} but queries {queried}"


def test_relationship_paths_through_lookups_are_refused():
    from lxml import etree

    from generator.render.queried_fields import QueriedFieldsError, apply_queried_fields

    ns = "http://soap.sforce.com/2006/04/metadata"
    flow = etree.fromstring(
        f'<Flow xmlns="{ns}"><recordLookups><name>Get_A</name><storeOutputAutomatically>true'
        "</storeOutputAutomatically></recordLookups><formulas><name>F</name><expression>"
        "{!Get_A.Owner.Email}</expression></formulas></Flow>"
    )
    with pytest.raises(QueriedFieldsError, match="Get_A.Owner.Email traverses a relationship"):
        apply_queried_fields(flow, "f.flow-meta.xml")


def test_event_updates_apply_only_while_the_invoice_is_current(rendered, spec_by_name):
    spec, flows = _by_kind(rendered, spec_by_name)
    elements = nodes(flows["event"])
    for name in ("Update_Status", "Update_Paid", "Update_Event_Only"):
        filters = {(text(f, "field"), text(f, "value/elementReference")) for f in all_of(elements[name][1], "filters")}
        assert filters == {("Id", "Get_Opportunity.Id"), (spec.fields.invoice_id.api_name, "Event_Invoice_Id")}
