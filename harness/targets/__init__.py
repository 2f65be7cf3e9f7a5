"""Environments to verify against: the local stack and a real sandbox."""
