"""Object model of the emulated org: built-in standard/package objects plus deployed metadata."""

from orgsim.schema.model import FieldDef, Schema, SObjectDef
from orgsim.schema.standard import build_standard_schema

__all__ = ["FieldDef", "Schema", "SObjectDef", "build_standard_schema"]
