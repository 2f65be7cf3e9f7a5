"""Everything a rule may need besides its subject, built once per run and lazily."""

from __future__ import annotations

from functools import cached_property

from sfpay import paths
from validator.catalog import ConnectorCatalog, load_catalog
from validator.config import Config
from validator.project_index import ProjectIndex
from validator.source_tree import SourceTree


class Context:
    def __init__(self, tree: SourceTree, config: Config):
        self.tree = tree
        self.config = config
        self._resolvers: dict[int, object] = {}
        self._per_flow: dict[tuple[str, int], object] = {}

    @cached_property
    def index(self) -> ProjectIndex:
        # The connector package's objects are known in the namespace it is installed under.
        return ProjectIndex(self.tree, self.config.known_fields, self.catalog.package)

    @cached_property
    def catalog(self) -> ConnectorCatalog:
        return load_catalog(paths.CONNECTOR_INDEX_PATH, self.config.connector_namespace)

    @cached_property
    def flows(self) -> list:
        from validator.flow.model import Flow

        return [Flow(item, item.root) for item in self.tree.of_type("Flow") if item.root is not None]

    @cached_property
    def schema(self):
        """One compiled schema for every metadata type present in the tree."""
        from validator.schema.wsdl_slice import load_schema

        types = sorted({f.kind.type_name for f in self.tree.files if f.root is not None})
        return load_schema(paths.WSDL_PATH, types, prebuilt=paths.METADATA_SLICE_PATH) if types else None

    def resolver(self, flow):
        from validator.flow.references import Resolver

        key = id(flow)
        if key not in self._resolvers:
            self._resolvers[key] = Resolver(flow, self.index, self.catalog)
        return self._resolvers[key]

    def _memo(self, kind: str, flow, compute):
        key = (kind, id(flow))
        if key not in self._per_flow:
            self._per_flow[key] = compute()
        return self._per_flow[key]

    def resolved_references(self, flow) -> list:
        """(reference, problem or None) for every reference in the flow, computed once per run."""
        from validator.flow.references import references

        resolver = self.resolver(flow)
        return self._memo("references", flow, lambda: [(r, resolver.resolve(r.text)) for r in references(flow)])

    def literals(self, flow) -> list:
        """(owner element, text, line) of every literal string in the flow, computed once per run."""
        from validator.rules._literals import literals

        return self._memo("literals", flow, lambda: list(literals(flow)))

    def is_callout(self, element) -> bool:
        """A connector (Stripe) action or an External Services action: each one is an HTTP callout."""
        if element.kind != "actionCalls":
            return False
        action_type = element.get("actionType")
        if action_type == "externalService":
            return True
        return action_type == "apex" and self.catalog.owns(element.get("actionName") or "")

    def writes_records(self, element) -> bool:
        """DML, or a connector action that saves its sync records after the call (the default)."""
        from sfmeta.flow import DML_KINDS

        if element.kind in DML_KINDS:
            return True
        if self.is_callout(element) and element.get("actionType") == "apex":
            return _input_value(element, "performDmlSaveAfterCalls") != "false"
        return False


def _input_value(element, name: str) -> str | None:
    from sfmeta.xml import child, children, stripped

    for parameter in children(element.node, "inputParameters"):
        if (stripped(parameter, "name") or "").lower() == name.lower():
            value = child(parameter, "value")
            if value is None:
                return None
            for item in value:
                if item.text and item.text.strip():
                    return item.text.strip().lower()
    return None
