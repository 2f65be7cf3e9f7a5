"""The Metadata API XML Schema slice the validator checks against (vendor WSDL)."""
