"""Themes: the facilitator groups what was said; themes live per dialogue and feed the reports.

Create, rename, merge and delete themes; assign one or many contributions (and
staff notes) at once. Only the facilitator changes themes, also after closing.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dialogue.actors import FACILITATOR_ONLY
from dialogue.commands.core import AFTERWARDS, CommandContext, command
from dialogue.models import Contribution, Theme
from dialogue.textclean import InvalidInput, clean_int, clean_text

MAX_NAME = 120
MAX_THEMES = 200
MAX_BATCH = 500


def themes_of(s: Session, dialogue_id: int) -> list[Theme]:
    """The dialogue's themes by name."""
    return list(s.scalars(select(Theme).where(Theme.dialogue_id == dialogue_id).order_by(func.lower(Theme.name))))


def theme_counts(s: Session, dialogue_id: int) -> dict[int, int]:
    """How many visible contributions and notes each theme has."""
    rows = s.execute(select(Contribution.theme_id, func.count()).where(
        Contribution.dialogue_id == dialogue_id, Contribution.theme_id.is_not(None),
        Contribution.hidden.is_(False)).group_by(Contribution.theme_id))
    return dict(rows.all())


def export_themes(s: Session, dialogue_id: int) -> list[dict[str, Any]]:
    """The themes for exports and reports: id, name and how many texts each has."""
    counts = theme_counts(s, dialogue_id)
    return [{"id": t.id, "name": t.name, "count": counts.get(t.id, 0)} for t in themes_of(s, dialogue_id)]


def _name(ctx: CommandContext, exclude: int | None = None) -> str:
    name = clean_text(ctx.payload.get("name"), MAX_NAME, multiline=False)
    clash = ctx.s.scalar(select(Theme.id).where(
        Theme.dialogue_id == ctx.dialogue.id, func.lower(Theme.name) == name.lower(),
        Theme.id != (exclude or 0)))
    if clash is not None:
        ctx.fail(_l("There is already a theme with this name."))
    return name


def _theme(ctx: CommandContext, key: str = "theme_id") -> Theme:
    theme = ctx.s.get(Theme, clean_int(ctx.payload.get(key), 1, 2**31))
    if theme is None or theme.dialogue_id != ctx.dialogue.id:
        ctx.fail(_l("This theme does not exist."))
    return theme


def clean_ids(value) -> list[int]:
    """A list of ids from a socket list, a form's repeated field or one value."""
    values = value if isinstance(value, list) else ([] if value in (None, "") else [value])
    if len(values) > MAX_BATCH:
        raise InvalidInput(_l("Choose at most %(n)s at a time.", n=MAX_BATCH))
    return list(dict.fromkeys(clean_int(v, 1, 2**31) for v in values))


@command("theme_create", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def theme_create(ctx: CommandContext) -> dict:
    """Create a theme."""
    name = _name(ctx)
    count = ctx.s.scalar(select(func.count()).select_from(Theme).where(Theme.dialogue_id == ctx.dialogue.id))
    if count >= MAX_THEMES:
        ctx.fail(_l("This dialogue has the largest number of themes already."))
    theme = Theme(dialogue_id=ctx.dialogue.id, name=name)
    ctx.s.add(theme)
    ctx.s.flush()
    ctx.changed(wall=True)
    return {"theme_id": theme.id, "name": theme.name, "message": str(_l("The theme was created."))}


@command("theme_rename", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def theme_rename(ctx: CommandContext) -> dict:
    """Rename a theme."""
    theme = _theme(ctx)
    theme.name = _name(ctx, exclude=theme.id)
    ctx.changed(wall=True)
    return {"theme_id": theme.id, "name": theme.name, "message": str(_l("The theme was renamed."))}


@command("theme_merge", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def theme_merge(ctx: CommandContext) -> dict:
    """Merge themes `merge_ids` into `theme_id`: their texts move, they are deleted."""
    keep = _theme(ctx)
    others = [i for i in clean_ids(ctx.payload.get("merge_ids")) if i != keep.id]
    if not others:
        ctx.fail(_l("Choose the themes to merge."))
    for other_id in others:
        other = ctx.s.get(Theme, other_id)
        if other is None or other.dialogue_id != ctx.dialogue.id:
            ctx.fail(_l("This theme does not exist."))
    ctx.s.execute(update(Contribution).where(Contribution.theme_id.in_(others)).values(theme_id=keep.id))
    for other_id in others:
        ctx.s.delete(ctx.s.get(Theme, other_id))
    ctx.changed(wall=True)
    return {"theme_id": keep.id, "merged": others, "message": str(_l("The themes were merged."))}


@command("theme_delete", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def theme_delete(ctx: CommandContext) -> dict:
    """Delete a theme; its texts stay, without a theme."""
    theme = _theme(ctx)
    ctx.s.execute(update(Contribution).where(Contribution.theme_id == theme.id).values(theme_id=None))
    ctx.s.delete(theme)
    ctx.changed(wall=True)
    return {"theme_id": theme.id, "message": str(_l("The theme was deleted."))}


@command("assign_theme", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def assign_theme(ctx: CommandContext) -> dict:
    """Put contributions (`contribution_ids`, or one `contribution_id`) in a theme; no theme_id: none."""
    ids = clean_ids(ctx.payload.get("contribution_ids", ctx.payload.get("contribution_id")))
    if not ids:
        ctx.fail(_l("Choose at least one text first."))
    theme = _theme(ctx) if ctx.payload.get("theme_id") not in (None, "") else None
    found = ctx.s.scalar(select(func.count()).select_from(Contribution).where(
        Contribution.id.in_(ids), Contribution.dialogue_id == ctx.dialogue.id))
    if found != len(ids):
        ctx.fail(_l("This contribution does not exist."))
    ctx.s.execute(update(Contribution).where(Contribution.id.in_(ids)).values(
        theme_id=theme.id if theme else None))
    ctx.changed(wall=True)
    message = (_l("%(n)s moved to the theme %(name)s.", n=len(ids), name=theme.name) if theme
               else _l("%(n)s now without a theme.", n=len(ids)))
    return {"contribution_ids": ids, "theme_id": theme.id if theme else None, "message": str(message)}


@command("accept_suggestion", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def accept_suggestion(ctx: CommandContext) -> dict:
    """A person accepts a theme suggestion for the ticked contributions (`contribution_ids`).

    With `theme_id` they go into that theme; with `name` into the theme of that name, made
    now if there is none (so two suggestions accepted under one name are merged, and a
    renamed suggestion is just a new name). One transaction: the theme and its texts together.
    """
    ids = clean_ids(ctx.payload.get("contribution_ids"))
    if not ids:
        ctx.fail(_l("Choose at least one text first."))
    found = ctx.s.scalar(select(func.count()).select_from(Contribution).where(
        Contribution.id.in_(ids), Contribution.dialogue_id == ctx.dialogue.id))
    if found != len(ids):
        ctx.fail(_l("This contribution does not exist."))
    if ctx.payload.get("theme_id") not in (None, ""):
        theme = _theme(ctx)
    else:
        name = clean_text(ctx.payload.get("name"), MAX_NAME, multiline=False)
        theme = ctx.s.scalar(select(Theme).where(Theme.dialogue_id == ctx.dialogue.id,
                                                 func.lower(Theme.name) == name.lower()))
        if theme is None:
            count = ctx.s.scalar(select(func.count()).select_from(Theme).where(Theme.dialogue_id == ctx.dialogue.id))
            if count >= MAX_THEMES:
                ctx.fail(_l("This dialogue has the largest number of themes already."))
            theme = Theme(dialogue_id=ctx.dialogue.id, name=name)
            ctx.s.add(theme)
            ctx.s.flush()
    ctx.s.execute(update(Contribution).where(Contribution.id.in_(ids)).values(theme_id=theme.id))
    ctx.changed(wall=True)
    return {"contribution_ids": ids, "theme_id": theme.id,
            "message": str(_l("%(n)s moved to the theme %(name)s.", n=len(ids), name=theme.name))}
