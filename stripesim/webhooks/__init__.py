"""Webhook delivery: signing, the delivery queue with its test switches, the background worker."""
