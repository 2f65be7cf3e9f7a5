"""Tooling API: what CumulusCI's `activate_flow` task uses.

    SELECT Id, ActiveVersion.VersionNumber, LatestVersion.VersionNumber, DeveloperName
      FROM FlowDefinition WHERE DeveloperName IN (...)
    PATCH tooling/sobjects/FlowDefinition/{Id}  {"Metadata": {"activeVersionNumber": N}}

FlowDefinition and Flow rows are materialized from the core's deployed flows into a scratch
in-memory store of the core's own kind, so SOQL runs on the same query primitive as the data
API. orgsim runs one version per flow, numbered by how many changed copies of it were deployed
(orgsim/metadata/retrieve.py); it is active when its status is Active.
Activating sets the flow Active; `activeVersionNumber` 0 deactivates it (status Obsolete, as
Salesforce marks a deactivated version).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from orgsim.server.context import ServerContext, api_version, json_body
from orgsim.server.errors import ApiError, bad_request, not_found
from orgsim.server.rest.query import make_routes

FLOW_DEFINITION_PREFIX, FLOW_PREFIX = "300", "301"


def _schema():
    from orgsim.schema import FieldDef, Schema, SObjectDef

    schema = Schema()
    flow = SObjectDef(name="Flow", key_prefix=FLOW_PREFIX, label="Flow")
    for name, type_ in (
        ("Id", "id"),
        ("DefinitionId", "reference"),
        ("VersionNumber", "int"),
        ("Status", "picklist"),
        ("MasterLabel", "string"),
        ("ProcessType", "picklist"),
        ("FullName", "string"),
    ):
        flow.add_field(
            FieldDef(
                name=name,
                type=type_,
                reference_to="FlowDefinition" if name == "DefinitionId" else None,
                relationship="Definition" if name == "DefinitionId" else None,
            )
        )
    definition = SObjectDef(name="FlowDefinition", key_prefix=FLOW_DEFINITION_PREFIX, label="Flow Definition")
    for name, type_, target, rel in (
        ("Id", "id", None, None),
        ("DeveloperName", "string", None, None),
        ("MasterLabel", "string", None, None),
        ("ActiveVersionId", "reference", "Flow", "ActiveVersion"),
        ("LatestVersionId", "reference", "Flow", "LatestVersion"),
        ("LatestVersionNumber", "int", None, None),
        ("NamespacePrefix", "string", None, None),
    ):
        definition.add_field(FieldDef(name=name, type=type_, reference_to=target, relationship=rel))
    schema.add(flow)
    schema.add(definition)
    return schema


class ToolingSource:
    """A QuerySource over the org's flows (see orgsim.soql.source)."""

    def __init__(self, org):
        from orgsim.storage import Store
        from orgsim.storage.ids import make_id

        self.clock = org.clock
        self.schema = _schema()
        self.store = Store(":memory:")
        flow_def, definition_def = self.schema.get("Flow"), self.schema.get("FlowDefinition")
        for sobject in (flow_def, definition_def):
            self.store.ensure_table(sobject)
        self.by_id: dict[str, dict] = {}
        with org.store.lock:
            versions = org.deployed.flow_versions()
        for index, flow in enumerate(sorted(org.flows(), key=lambda f: f["name"]), start=1):
            definition_id, version_id = make_id(FLOW_DEFINITION_PREFIX, index), make_id(FLOW_PREFIX, index)
            active = flow["status"] == "Active"
            number = versions.get(flow["name"], 1)
            self.store.insert_row(
                flow_def,
                {
                    "Id": version_id,
                    "DefinitionId": definition_id,
                    "VersionNumber": number,
                    "Status": flow["status"],
                    "MasterLabel": flow["label"],
                    "ProcessType": "AutoLaunchedFlow",
                    "FullName": flow["name"],
                },
            )
            row = {
                "Id": definition_id,
                "DeveloperName": flow["name"],
                "MasterLabel": flow["label"],
                "ActiveVersionId": version_id if active else None,
                "LatestVersionId": version_id,
                "LatestVersionNumber": number,
                "NamespacePrefix": None,
            }
            self.store.insert_row(definition_def, row)
            self.by_id[definition_id] = {**row, "status": flow["status"]}

    def describe(self, sobject: str) -> dict:
        return self.schema.get(sobject).describe()

    def select(self, sobject, fields, predicate=None, order_by=None, limit=None, offset=None):
        return self.store.select(self.schema, self.schema.get(sobject), fields, predicate, order_by, limit, offset)

    def count(self, sobject, predicate=None):
        return self.store.count(self.schema, self.schema.get(sobject), predicate)


def _find(org, definition_id: str) -> dict:
    from orgsim.storage.ids import normalize_id

    found = ToolingSource(org).by_id.get(normalize_id(definition_id) or definition_id)
    if found is None:
        raise not_found()
    return found


def _activate(org, definition_id: str, version: int) -> None:
    flow = _find(org, definition_id)
    if version == 0:
        if flow["status"] == "Active":
            org.set_flow_status(flow["DeveloperName"], "Obsolete")
        return
    if version != flow["LatestVersionNumber"]:
        raise bad_request(
            "FIELD_INTEGRITY_EXCEPTION", f"activeVersionNumber: flow {flow['DeveloperName']} has no version {version}"
        )
    org.set_flow_status(flow["DeveloperName"], "Active")


def routes(ctx: ServerContext, gate) -> list[Route]:
    from orgsim.soql import SoqlError, execute

    def run_query(soql: str, include_deleted: bool, version: str):
        try:
            return execute(ToolingSource(ctx.org), soql, include_deleted=include_deleted, api_version=version)
        except SoqlError as exc:
            raise bad_request(exc.error_code, exc.message) from None

    async def flow_definition(request: Request) -> Response:
        v = api_version(request)
        definition_id = request.path_params["record_id"]
        if request.method == "GET":
            flow = await ctx.gateway.call(_find, ctx.org, definition_id)
            return JSONResponse(
                {
                    "attributes": {
                        "type": "FlowDefinition",
                        "url": f"/services/data/v{v}/tooling/sobjects/FlowDefinition/{flow['Id']}",
                    },
                    "Id": flow["Id"],
                    "DeveloperName": flow["DeveloperName"],
                    "MasterLabel": flow["MasterLabel"],
                    "ActiveVersionId": flow["ActiveVersionId"],
                    "LatestVersionId": flow["LatestVersionId"],
                    "Metadata": {
                        "activeVersionNumber": flow["LatestVersionNumber"] if flow["ActiveVersionId"] else 0,
                        "description": None,
                    },
                    "FullName": flow["DeveloperName"],
                }
            )
        body = await json_body(request)
        metadata = body.get("Metadata") if isinstance(body, dict) else None
        version = metadata.get("activeVersionNumber") if isinstance(metadata, dict) else None
        if isinstance(version, bool) or not isinstance(version, int):
            raise bad_request(
                "INVALID_FIELD", "FlowDefinition update needs Metadata.activeVersionNumber (an integer; 0 deactivates)"
            )
        await ctx.gateway.call(_activate, ctx.org, definition_id, version)
        return Response(status_code=204)

    async def unsupported(request: Request) -> Response:
        raise ApiError(
            404, "NOT_FOUND", f"orgsim's Tooling API serves FlowDefinition only, not {request.path_params['sobject']}"
        )

    base = "/services/data/v{version}/tooling/sobjects"
    return make_routes(ctx, gate, "/tooling", run_query) + [
        Route(base + "/FlowDefinition/{record_id}", gate(flow_definition), methods=["GET", "PATCH"]),
        Route(base + "/{sobject}/{rest:path}", gate(unsupported), methods=["GET", "PATCH", "POST", "DELETE"]),
    ]
