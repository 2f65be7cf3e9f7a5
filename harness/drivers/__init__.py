"""Org and Stripe steps shared by scenarios."""
