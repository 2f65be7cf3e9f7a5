"""SOQL for orgsim: a lark grammar for the subset sfpay and its clients use, and an executor
that runs it over the core's storage (`QuerySource`), with Salesforce's error codes and messages."""

from orgsim.soql.errors import SoqlError
from orgsim.soql.executor import QueryResult, execute
from orgsim.soql.parser import parse
from orgsim.soql.source import QuerySource

__all__ = ["QueryResult", "QuerySource", "SoqlError", "execute", "parse"]
