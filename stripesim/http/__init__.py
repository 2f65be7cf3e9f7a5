"""Protocol layer: Starlette app, form decoding, auth, errors, idempotency, faults, admin."""
