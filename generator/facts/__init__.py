"""Facts about Salesforce and Stripe the spec checks (and `sfpay validate`'s rules) hold
output to, each module citing its sources. Cheap to import: no pydantic, no stripe import."""
