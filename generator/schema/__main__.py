"""Regenerate `generator/schema/sequences.json` from the vendored WSDL."""

from generator.schema.sequences import SLICE_PATH, write_slice
from sfpay.paths import WSDL_PATH

write_slice(WSDL_PATH)
print(f"wrote {SLICE_PATH}")
