"""The Metadata API schema as the generator needs it: element order per complex type.

`sequences.json` is a slice of `vendor/salesforce-metadata-api-v66.wsdl`: for every complex
type reachable from the metadata types we write, its base type and its `xsd:sequence`
(element name, element type, repeatable). It is derived by `python -m generator.schema`
and a test checks that the committed slice equals a fresh derivation, so it can never drift
from the vendored WSDL. Loading the slice takes about a millisecond; parsing the 2 MB WSDL
on every `generate` would cost far more.
"""

from generator.schema.sequences import ROOT_TYPES, TypeTable, load_table

__all__ = ["ROOT_TYPES", "TypeTable", "load_table"]
