"""Operating the automation after go-live (issue 16): commands that compare what the org holds
with what Stripe holds and repair, through the production path, what is safe to repair.

Independent of the harness and of the emulators: it talks to any org through its REST API
(simple-salesforce) and to Stripe through the SDK, so the same code runs against the local
stack and a real org.
"""
