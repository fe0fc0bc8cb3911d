"""The write path: every write is a registered command (core.py) run by `dispatch`.

Concrete commands live by topic in this package (steps, moderation, themes, lifecycle,
preparation, ...) or in their activity's module; `load()` imports them so they register.
"""
from __future__ import annotations

import importlib

from dialogue.commands.core import (  # noqa: F401
    AFTERWARDS,
    ALWAYS,
    MEETING,
    REGISTRY,
    Command,
    CommandContext,
    CommandError,
    command,
    dispatch,
)

#: The topic modules whose commands register on import.
TOPICS = ("steps", "moderation", "removal", "themes", "lifecycle", "preparation", "speaking",
          "helper_links", "publishing", "seating", "findings")


def load() -> None:
    """Import every topic module so that its commands are in the registry."""
    for topic in TOPICS:
        importlib.import_module(f"dialogue.commands.{topic}")
