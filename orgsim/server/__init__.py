"""Salesforce-compatible HTTP surface over the orgsim core (see docs/orgsim-server.md)."""
