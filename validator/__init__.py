"""`sfpay validate`: Metadata API schema, flow semantics and cross-file checks for SFDX source trees."""
