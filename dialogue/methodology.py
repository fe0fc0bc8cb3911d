"""Methods: one folder each under `methods/`, loaded and validated at start-up.

A method is data: `methods/<key>/method.json` holds its names and descriptions in fi/sv/en,
group size and duration, and an ordered list of steps, each an activity kind with settings
and texts in the three languages. Where a method needs code, `methods/<key>/__init__.py`
implements hooks of the interface declared below (`Hooks`) as module-level functions, and
`methods/<key>/templates/` holds its templates (named `methods/<key>/...`). The rest of the
app calls the hooks through this module and never names a method.

Like CTFd's plugins folder, every folder is discovered at start-up (`OSUVA_METHODS_PATH`
adds folders of one's own); a broken definition, an unknown activity kind, a missing
language or a hook with the wrong signature stops the app with a message naming the file
and the problem, not in the middle of a dialogue.
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from jinja2 import BaseLoader, FileSystemLoader, PrefixLoader

from dialogue import activities, tables
from dialogue.config import LANGUAGES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dialogue.models import Dialogue, Helper, Step

METHODS_DIR = Path(__file__).resolve().parent.parent / "methods"
#: The method every installation has: start from nothing and add steps.
BLANK = "blank"


@dataclass(frozen=True)
class Panel:
    """A piece of a page a method adds: a template (under the method's templates/) and its variables."""
    template: str
    context: dict[str, Any] = field(default_factory=dict)


class Hooks:
    """The hooks a method's `__init__.py` may implement, as module-level functions.

    Each is optional; a hook a method does not define does nothing. The loader checks
    that a defined hook takes exactly these parameters. Commands a method needs are
    registered with `@command` in its module (they load with it).
    """

    def report_section(self, model: dict[str, Any]) -> dict[str, Any] | None:
        """The method's own report section, read from the report model only:
        `{"title", "blocks": [...]}` (see `dialogue.export.sections`), or None."""
        return None

    def console_panels(self, dialogue: Dialogue, lang: str) -> list[Panel]:
        """Tools shown in the console's run view (e.g. candidate themes)."""
        return []

    def helper_panels(self, helper: Helper, dialogue: Dialogue, current: Step | None, lang: str) -> list[Panel]:
        """Tools shown on a helper link's page (e.g. a scribe's candidate themes)."""
        return []

    def follow_up_method(self, dialogue: Dialogue) -> str | None:
        """The method of the meeting that follows this one (a follow-up, the next meeting of a
        series), or None when this dialogue has nothing to follow up. By default: the method's
        `follow_up` (data), once the dialogue has cards of its own to follow up."""
        method = REGISTRY.get(dialogue.method)
        if method is None or not method.follow_up:
            return None
        own_cards = any(activities.get(s.kind).makes_own_cards(s) for s in dialogue.steps)
        return method.follow_up if own_cards else None

    def on_follow_up(self, s: Session, source: Dialogue, follow: Dialogue) -> None:
        """Called in the transaction that creates `follow` after `source`: what it inherits."""
        return None


HOOK_NAMES = tuple(name for name in vars(Hooks) if not name.startswith("_"))
_DEFAULT = Hooks()


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
    #: The method of the meeting that follows one of this method ("you said – we did").
    follow_up: str | None = None
    #: Tables (small groups) every dialogue of this method starts with: [{"fi", "sv", "en"}].
    tables: tuple[dict[str, str], ...] = ()
    #: What phones call its tables: "table", or "group" (a walk's groups): tables.WORDS.
    table_word: str = "table"
    #: The method's code (`__init__.py`), if it has any.
    module: ModuleType | None = None
    #: Its folder (templates/ beside method.json).
    folder: Path | None = None

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["fi"]

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions["fi"]

    def hook(self, name: str):
        """The method's implementation of hook `name`, or the default that does nothing."""
        impl = getattr(self.module, name, None) if self.module else None
        return impl or getattr(_DEFAULT, name)


REGISTRY: dict[str, Method] = {}


def _need_langs(where: str, value: Any, allow_empty: bool = False) -> None:
    if not isinstance(value, dict) or any(not isinstance(value.get(l), str) for l in LANGUAGES):
        raise MethodError(f"{where}: needs a text in each of {LANGUAGES}")
    if not allow_empty and any(not value[l].strip() for l in LANGUAGES):
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
        if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
            raise MethodError(f"{where}: texts needed in {LANGUAGES}")
        for lang in LANGUAGES:
            if not str(texts[lang].get("title", "")).strip():
                raise MethodError(f"{where}: title missing in {lang}")
        try:
            config = activities.get(kind).clean_config(step.get("config", {}))
        except ValueError as exc:
            raise MethodError(f"{where}: {exc}") from None
        clean_steps.append({"kind": kind, "texts": texts, "config": config,
                            "minutes": int(step.get("minutes", 0))})
    if data.get("table_word", "table") not in tables.WORDS:
        raise MethodError(f"{key}.table_word: one of {sorted(tables.WORDS)}")
    for flag in ("ask_role", "listed"):
        if not isinstance(data.get(flag, False), bool):
            raise MethodError(f"{key}.{flag}: must be true or false")
    return Method(key, data["name"], data["description"], str(data.get("group_size", "")),
                  str(data.get("duration", "")), clean_steps, _themes(key, data.get("themes", [])),
                  data.get("ask_role", False), data.get("listed", True), data.get("follow_up"),
                  tables=_tables(key, data.get("tables", [])), table_word=data.get("table_word", "table"))


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
        _need_langs(where, {lang: theme.get(lang) for lang in LANGUAGES})
        if theme["key"] in keys or any(len(theme[lang]) > THEME_NAME_MAX for lang in LANGUAGES):
            raise MethodError(f"{where}: a key is repeated or a name is too long")
        keys.add(theme["key"])
        clean.append({"key": theme["key"], **{lang: theme[lang].strip() for lang in LANGUAGES}})
    for lang in LANGUAGES:
        names = [t[lang].lower() for t in clean]
        if len(set(names)) != len(names):
            raise MethodError(f"{key}.themes: two themes have the same name in {lang}")
    return tuple(clean)


def _tables(key: str, tables: Any) -> tuple[dict[str, str], ...]:
    """Validate a method's default tables: a name in each language."""
    if not isinstance(tables, list) or len(tables) > 40:
        raise MethodError(f"{key}.tables: must be a list of at most 40 tables")
    clean = []
    for n, table in enumerate(tables, 1):
        names = {lang: (table or {}).get(lang) if isinstance(table, dict) else None for lang in LANGUAGES}
        _need_langs(f"{key}.tables[{n}]", names)
        if any(len(name) > 80 for name in names.values()):
            raise MethodError(f"{key}.tables[{n}]: a name is longer than 80 characters")
        clean.append({lang: name.strip() for lang, name in names.items()})
    return tuple(clean)


def _load_module(key: str, folder: Path) -> ModuleType | None:
    """Import `folder/__init__.py` (if any) as `osuva_methods.<key>` and check its hooks."""
    init = folder / "__init__.py"
    if not init.exists():
        return None
    name = f"osuva_methods.{key}"
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise MethodError(f"{init}: could not be loaded: {exc!r}") from exc
    for hook in HOOK_NAMES:
        impl = getattr(module, hook, None)
        if impl is None:
            continue
        wanted = list(inspect.signature(getattr(Hooks, hook)).parameters)[1:]
        got = list(inspect.signature(impl).parameters) if callable(impl) else None
        if got != wanted:
            raise MethodError(f"{init}: hook {hook}() must take ({', '.join(wanted)}), "
                              f"not ({', '.join(got) if got is not None else 'a non-function'})")
    return module


def method_folders(directories: list[Path]) -> list[Path]:
    """Every method folder (one with a method.json) in the given directories, by key."""
    found: dict[str, Path] = {}
    for directory in directories:
        for folder in sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
            if not (folder / "method.json").exists():
                raise MethodError(f"{folder}: a method folder needs a method.json")
            found[folder.name] = folder
    return list(found.values())


def load(directories: list[Path] | None = None) -> dict[str, Method]:
    """Load and validate every method folder; the registry is replaced only if all are valid.

    `directories` defaults to `methods/`; later directories add methods or replace
    earlier ones of the same key (OSUVA_METHODS_PATH).
    """
    found = {}
    for folder in method_folders(directories or [METHODS_DIR]):
        path = folder / "method.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise MethodError(f"{path}: {exc}") from None
        try:
            method = parse(folder.name, data)
        except MethodError as exc:
            raise MethodError(f"{path}: {exc}") from None
        found[folder.name] = _with_code(method, folder)
    for key, method in found.items():
        if method.follow_up is not None and method.follow_up not in found:
            raise MethodError(f"{method.folder / 'method.json'}: follow_up names no method: {method.follow_up!r}")
    if BLANK not in found:
        raise MethodError(f"the {BLANK!r} method is missing (a dialogue can always start from nothing)")
    REGISTRY.clear()
    REGISTRY.update(found)
    return REGISTRY


def _with_code(method: Method, folder: Path) -> Method:
    from dataclasses import replace
    return replace(method, module=_load_module(method.key, folder), folder=folder)


def template_loader() -> BaseLoader:
    """Templates of the methods that have their own: `methods/<key>/<name>` is
    `<method folder>/templates/<name>`."""
    return PrefixLoader({"methods": PrefixLoader({
        key: FileSystemLoader(m.folder / "templates") for key, m in REGISTRY.items()
        if m.folder and (m.folder / "templates").is_dir()})})


def hook(dialogue_method: str, name: str):
    """Hook `name` of the method `dialogue_method` (the default when the method is unknown)."""
    method = REGISTRY.get(dialogue_method)
    return method.hook(name) if method else getattr(_DEFAULT, name)


def get(key: str) -> Method | None:
    return REGISTRY.get(key)


def listed() -> dict[str, Method]:
    """The methods a facilitator may start a new dialogue from."""
    return {key: m for key, m in REGISTRY.items() if m.listed}
