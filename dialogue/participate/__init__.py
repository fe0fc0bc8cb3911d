"""Participant pages: join by code, take part in the current step (works without JS)."""
