"""Translation catalogs: extract the English msgids from the code, update fi/sv/en, check them.

    python tools/i18n.py                 extract + update the three catalogs + compile (the usual run)
    python tools/i18n.py todo [LANG]     print the msgids that still need a translation, as JSON
    python tools/i18n.py apply FILE      merge translations from FILE ({"fi": {msgid: msgstr}, "sv": {...}})
    python tools/i18n.py check           exit 1 if a catalog is out of date or lacks a translation

The workflow after changing UI text: run the first command, then `todo`, translate what it
prints (fi: plain-language Finnish on participant pages; sv: Swedish) into a JSON file, run
`apply FILE`, and `check`. msgids are English, so the en catalog simply copies each msgid.
Extraction is pybabel's own (`pybabel extract -F babel.cfg`), so the keywords here are the
only thing to keep in step with the code (`_`, `gettext`, `_l`/`lazy_gettext`, plurals).
tests/test_translations.py runs `problems()` and fails on anything it reports.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "dialogue" / "translations"
sys.path.insert(0, str(ROOT))
from dialogue.config import LANGUAGES as LANGS  # noqa: E402

KEYWORDS = ["_l", "lazy_gettext", "lazy_ngettext:1,2", "_ln:1,2"]
# Header lines that change on every run; a catalog whose only change is these is left alone.
VOLATILE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date|Generated-By): .*\\n"$', re.M)


def _pybabel(*args: str) -> None:
    """Run a pybabel command in this process (quietly: its log lists every file)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        CommandLineInterface().run(["pybabel", "-q", *args])


def extract(pot: Path) -> None:
    """Extract every translatable string of the code into the template `pot`."""
    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    with contextlib.chdir(ROOT):  # locations in the catalogs relative to the project
        _pybabel("extract", "-F", "babel.cfg", *keywords, "--project", "Osuva",
                 "--copyright-holder", "Osuva", "--width", "100", "-o", str(pot), ".")


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def _read(path: Path, lang: str | None = None):
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def _msgids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def _write_if_changed(path: Path, catalog) -> None:
    out = io.BytesIO()
    write_po(out, catalog, width=100, ignore_obsolete=True)
    new = out.getvalue()
    if path.exists() and VOLATILE.sub("", path.read_bytes().decode()) == VOLATILE.sub("", new.decode()):
        return  # nothing but dates changed: keep the file as it was
    path.write_bytes(new)


def update() -> None:
    """Extract, bring the three catalogs in step with the code (en copies msgids), compile."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract(pot)
        template = _read(pot)
        for lang in LANGS:
            path = po_path(lang)
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = _read(path, lang) if path.exists() else None
            if catalog is None:
                from babel.messages.catalog import Catalog
                catalog = Catalog(locale=lang, project="Osuva", copyright_holder="Osuva")
            # No fuzzy guesses: a guess looks translated but gettext never shows it.
            catalog.update(template, no_fuzzy_matching=True)
            if lang == "en":
                for message in catalog:
                    if message.id and not _has_text(message):
                        message.string = message.id
            _write_if_changed(path, catalog)
    compile_all()


def compile_all() -> None:
    """Write each catalog's .mo (the app also does this at start-up when one is stale)."""
    for lang in LANGS:
        catalog = _read(po_path(lang), lang)
        with po_path(lang).with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)


def _has_text(message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return all(s for s in message.string)
    return bool(message.string)


def missing(lang: str) -> list:
    """The msgids of `lang` without a usable translation (empty or fuzzy)."""
    return [m.id for m in _read(po_path(lang), lang)
            if m.id and (not _has_text(m) or m.fuzzy)]


def problems() -> list[str]:
    """Everything wrong with the catalogs against the code right now, as sentences."""
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract(pot)
        code_ids = _msgids(_read(pot))
    for lang in LANGS:
        path = po_path(lang)
        if not path.exists():
            found.append(f"{lang}: no catalog at {path}")
            continue
        catalog = _read(path, lang)
        ids = _msgids(catalog)
        for msgid in sorted(code_ids - ids, key=str):
            found.append(f"{lang}: not in the catalog (run python tools/i18n.py): {msgid!r}")
        for msgid in sorted(ids - code_ids, key=str):
            found.append(f"{lang}: no longer in the code (run python tools/i18n.py): {msgid!r}")
        for msgid in missing(lang):
            found.append(f"{lang}: no translation: {msgid!r}")
        # Placeholders must survive translation (%(n)s, %s ...); babel's checkers say when not.
        for message, errors in catalog.check():
            for error in errors:
                found.append(f"{lang}: {message.id!r}: {error}")
    return found


def todo(langs: tuple[str, ...]) -> dict:
    """{lang: {msgid: ""}} for what still needs translating (plural msgids as "one|other")."""
    out = {}
    for lang in langs:
        items = {}
        for msgid in missing(lang):
            key = "|".join(msgid) if isinstance(msgid, tuple) else msgid
            items[key] = ""
        if items:
            out[lang] = items
    return out


def apply(translations: dict) -> int:
    """Write translations {lang: {msgid: msgstr}} into the catalogs; return how many were set."""
    count = 0
    for lang, items in translations.items():
        path = po_path(lang)
        catalog = _read(path, lang)
        for message in catalog:
            if not message.id:
                continue
            key = "|".join(message.id) if isinstance(message.id, tuple) else message.id
            text = items.get(key)
            if not text:
                continue
            if isinstance(message.id, tuple):
                message.string = tuple(text) if isinstance(text, list) else tuple(text.split("|"))
            else:
                message.string = text
            message.flags.discard("fuzzy")
            count += 1
        _write_if_changed(path, catalog)
    compile_all()
    return count


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    if command == "update":
        update()
        left = todo(("fi", "sv"))
        print("catalogs updated;", ", ".join(f"{lang}: {len(v)} to translate" for lang, v in left.items())
              or "everything is translated")
        return 0
    if command == "todo":
        langs = tuple(argv[1:]) or ("fi", "sv")
        print(json.dumps(todo(langs), ensure_ascii=False, indent=1))
        return 0
    if command == "apply":
        data = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        print(f"{apply(data)} translations written")
        return 0
    if command == "check":
        found = problems()
        print("\n".join(found) or "catalogs are complete and up to date")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
