"""Synthesis: tallies, theme suggestions, opinion groups, personal-data masking."""
