"""Flow interpreter: loader (fails closed at load time), element handlers (one module per
element type, orgsim/flows/elements), bulkified runtime (interpreter.py)."""
