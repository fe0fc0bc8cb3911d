"""Exports: one report model rendered to many formats."""
