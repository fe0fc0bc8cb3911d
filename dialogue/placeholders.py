"""Facilitator placeholders in step texts: `[[Ohjaaja: kirjoita tähän ...]]`.

A method marks text the facilitator is to replace with double square brackets. Staff
see a warning listing what is left before the dialogue starts; participants, the screen,
the paper form and reports never see it: `public` strips it wherever step texts are
rendered for them. This module is the one definition of the rule.
"""
from __future__ import annotations

import re
from typing import Any

from dialogue.config import LANGUAGES

#: A placeholder with the spaces before it. The same source works as a JavaScript RegExp
#: (the screen strips the texts that reach it live).
SOURCE = r"[ \t]*\[\[[\s\S]*?\]\]"
PATTERN = re.compile(SOURCE)
#: The states in which staff are warned: before the dialogue starts.
WARN_STATES = ("draft", "open")


def find(text: str | None) -> list[str]:
    """The placeholders in `text`, without their brackets."""
    return [m.group().strip()[2:-2].strip() for m in PATTERN.finditer(text or "")]


def strip(text: str | None) -> str:
    """`text` without its placeholders (what participants, the screen and readers see)."""
    return PATTERN.sub("", text or "").strip()


def public(texts: dict[str, Any]) -> dict[str, Any]:
    """A step's texts (title, body, ...) with every placeholder removed."""
    return {k: strip(v) if isinstance(v, str) else v for k, v in texts.items()}


def left_in(dialogue) -> list[dict[str, Any]]:
    """The placeholders left in a dialogue's step texts, for the staff's warning: one entry
    per step and language with `step`, `number`, `title`, `lang` and `texts` (the placeholders).
    Empty once the dialogue has started: then it is too late to warn."""
    if dialogue.state not in WARN_STATES:
        return []
    found = []
    # the dialogue's own language first, then the others in the usual order
    order = {lang: n for n, lang in enumerate((dialogue.language, *LANGUAGES))}
    for number, step in enumerate(dialogue.steps, 1):
        for lang, texts in sorted((step.texts or {}).items(), key=lambda kv: order.get(kv[0], 99)):
            holes = [p for value in (texts or {}).values() if isinstance(value, str) for p in find(value)]
            if holes:
                found.append({"step": step, "number": number, "title": strip((texts or {}).get("title")),
                              "lang": lang, "texts": holes})
    return found
