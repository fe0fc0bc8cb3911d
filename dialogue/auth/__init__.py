"""Facilitator accounts: login and logout."""
