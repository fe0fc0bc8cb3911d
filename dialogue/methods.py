"""The method registry: every definition in `methods/*.json`, validated at start-up.

A method is data: names and descriptions in fi/sv/en, group size and duration, and
an ordered list of steps, each an activity kind with settings and texts in the
three languages. A broken definition stops the app at start-up with a clear error,
not in the middle of a dialogue.
"""
from __future__ import annotations

import json
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
    return Method(key, data["name"], data["description"], str(data.get("group_size", "")),
                  str(data.get("duration", "")), clean_steps)


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
