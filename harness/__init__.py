"""End-to-end verification of a deployed sfpay automation.

Scenarios drive the org through its REST API (simple-salesforce) and Stripe through the
official SDK, against either the local stack (orgsim + stripesim) or a real sandbox with
Stripe test mode, and produce evidence: a JUnit file and a sign-off report.
"""
