"""DML: coercion, validation and Salesforce's save order (engine.py)."""
