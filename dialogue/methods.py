"""The method registry: every definition in `methods/*.json`, validated at start-up.

A method is data: names and descriptions in fi/sv/en, group size and duration, and
an ordered list of steps, each an activity kind with settings and texts in the
three languages. A broken definition stops the app at start-up with a clear error,
not in the middle of a dialogue.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import activities

METHODS_DIR = Path(__file__).resolve().parent.parent / "methods"
LANGS = ("fi", "sv", "en")


class MethodError(ValueError):
    """A method definition is not valid."""


@dataclass(frozen=True)
class Method:
    key: str
    names: dict[str, str]
    descriptions: dict[str, str]
    group_size: str
    duration: str
    steps: list[dict[str, Any]]
    #: Themes every dialogue of this method starts with: [{"key", "fi", "sv", "en"}]
    #: (e.g. the National Dialogues report's headings, for tagging scribe notes).
    themes: tuple[dict[str, str], ...] = ()
    #: Whether participants are asked their role when joining (decision-makers say so).
    ask_role: bool = False
    #: Whether the console offers it for a new dialogue (a follow-up meeting is made
    #: from the dialogue it follows up instead).
    listed: bool = True

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["fi"]

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions["fi"]


REGISTRY: dict[str, Method] = {}


def _need_langs(where: str, value: Any, allow_empty: bool = False) -> None:
    if not isinstance(value, dict) or any(not isinstance(value.get(l), str) for l in LANGS):
        raise MethodError(f"{where}: needs a text in each of {LANGS}")
    if not allow_empty and any(not value[l].strip() for l in LANGS):
        raise MethodError(f"{where}: a text is empty")


def parse(key: str, data: dict[str, Any]) -> Method:
    """Validate one method definition and return it; raise MethodError if broken."""
    if data.get("key") != key:
        raise MethodError(f"{key}: 'key' must be {key!r}")
    _need_langs(f"{key}.name", data.get("name"))
    _need_langs(f"{key}.description", data.get("description"))
    steps = data.get("steps")
    if not isinstance(steps, list):
        raise MethodError(f"{key}: 'steps' must be a list")
    clean_steps = []
    for n, step in enumerate(steps, 1):
        where = f"{key}.steps[{n}]"
        kind = step.get("kind")
        if kind not in activities.REGISTRY:
            raise MethodError(f"{where}: unknown activity kind {kind!r}")
        texts = step.get("texts")
        if not isinstance(texts, dict) or set(texts) != set(LANGS):
            raise MethodError(f"{where}: texts needed in {LANGS}")
        for lang in LANGS:
            if not str(texts[lang].get("title", "")).strip():
                raise MethodError(f"{where}: title missing in {lang}")
        try:
            config = activities.get(kind).clean_config(step.get("config", {}))
        except ValueError as exc:
            raise MethodError(f"{where}: {exc}") from None
        clean_steps.append({"kind": kind, "texts": texts, "config": config,
                            "minutes": int(step.get("minutes", 0))})
    for flag in ("ask_role", "listed"):
        if not isinstance(data.get(flag, False), bool):
            raise MethodError(f"{key}.{flag}: must be true or false")
    return Method(key, data["name"], data["description"], str(data.get("group_size", "")),
                  str(data.get("duration", "")), clean_steps, _themes(key, data.get("themes", [])),
                  data.get("ask_role", False), data.get("listed", True))


THEME_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
THEME_NAME_MAX = 120


def _themes(key: str, themes: Any) -> tuple[dict[str, str], ...]:
    """Validate a method's default themes: a key and a name in each language, all unique."""
    if not isinstance(themes, list):
        raise MethodError(f"{key}.themes: must be a list")
    keys, clean = set(), []
    for n, theme in enumerate(themes, 1):
        where = f"{key}.themes[{n}]"
        if not isinstance(theme, dict) or not THEME_KEY.match(str(theme.get("key", ""))):
            raise MethodError(f"{where}: needs a key (a-z, 0-9, _)")
        _need_langs(where, {lang: theme.get(lang) for lang in LANGS})
        if theme["key"] in keys or any(len(theme[lang]) > THEME_NAME_MAX for lang in LANGS):
            raise MethodError(f"{where}: a key is repeated or a name is too long")
        keys.add(theme["key"])
        clean.append({"key": theme["key"], **{lang: theme[lang].strip() for lang in LANGS}})
    for lang in LANGS:
        names = [t[lang].lower() for t in clean]
        if len(set(names)) != len(names):
            raise MethodError(f"{key}.themes: two themes have the same name in {lang}")
    return tuple(clean)


def load(directory: Path = METHODS_DIR) -> dict[str, Method]:
    """Load and validate every method file; the registry is replaced only if all are valid."""
    found = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise MethodError(f"{path.name}: {exc}") from None
        found[path.stem] = parse(path.stem, data)
    if "blank" not in found:
        raise MethodError("the 'blank' method is missing")
    REGISTRY.clear()
    REGISTRY.update(found)
    return REGISTRY


def get(key: str) -> Method | None:
    return REGISTRY.get(key)


def listed() -> dict[str, Method]:
    """The methods a facilitator may start a new dialogue from."""
    return {key: m for key, m in REGISTRY.items() if m.listed}
