"""Helper links: secret links (no account) for a scribe, a table host or a group recorder."""
