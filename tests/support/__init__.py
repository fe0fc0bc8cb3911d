"""Test support: a live server, simulated phones, factories and shared test data."""
