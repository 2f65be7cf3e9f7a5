"""SQLite storage, record Ids and the filter primitive used by queries."""

from orgsim.storage.predicate import And, Compare, Not, Or, all_of, eq
from orgsim.storage.sqlite import Store

__all__ = ["And", "Compare", "Not", "Or", "Store", "all_of", "eq"]
