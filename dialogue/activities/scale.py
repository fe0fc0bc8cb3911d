"""`scale`: a 1–5 rating of one or more items on one or more criteria, with an optional comment.

Each option has a text label (and a face on the smiley scale), so the scale never
relies on colour. A rating is one `Vote` per participant, item and criterion; a
comment is a contribution of the step tied to the item (masked in exports like any text).
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import get_locale, lazy_ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dialogue.activities import voting
from dialogue.activities.base import register
from dialogue.actors import PARTICIPANTS_ONLY
from dialogue.commands.core import CommandContext, command
from dialogue.export.blocks import (
    Blocks,
    Table,
    chart_ident,
    is_split,
    participants_fact,
)
from dialogue.models import Contribution
from dialogue.synthesis import charts, pii, tally
from dialogue.textclean import InvalidInput, clean_int, clean_text

VALUES = (1, 2, 3, 4, 5)
# Faces found in common fonts (also DejaVu Sans), so no phone shows an empty box.
FACES = {1: "😞", 2: "😕", 3: "😐", 4: "😊", 5: "😀"}
COMMENT_MAX = 500
#: Up to this many rated rows the screen shows each one's 1–5 distribution; beyond, the averages only.
FEW_FOR_DISTRIBUTIONS = 3
_KEY = re.compile(r"^[a-z0-9_]{1,40}$")


def default_labels() -> list[Any]:
    return [_l("Very poor"), _l("Poor"), _l("Fair"), _l("Good"), _l("Very good")]


def localized(value: Any) -> str:
    """A label that is either one text or texts per language ({"fi": ..., "sv": ..., "en": ...})."""
    if isinstance(value, dict):
        try:
            lang = str(get_locale() or "fi")
        except Exception:  # outside a request (CLI export): the Finnish text
            lang = "fi"
        return str(value.get(lang) or value.get("fi") or next(iter(value.values()), ""))
    return str(value or "")


def criteria(step) -> list[dict[str, str]]:
    """The step's criteria as [{"key", "label"}]; one unnamed criterion when none are set."""
    out = []
    for n, raw in enumerate(step.config.get("criteria") or [], 1):
        if isinstance(raw, dict) and "key" in raw:
            out.append({"key": str(raw["key"]), "label": localized(raw.get("label", raw["key"]))})
        else:
            out.append({"key": f"c{n}", "label": localized(raw)})
    return out or [{"key": "", "label": ""}]


def field_name(key: str) -> str:
    """The form field of a criterion's rating: `rating`, or `rating_<key>` when there are several."""
    return f"rating_{key}" if key else "rating"


def option_labels(step) -> list[dict[str, Any]]:
    """The five options with their number, text label and (smiley scale) face."""
    labels = step.config.get("labels") or default_labels()
    smiley = step.config.get("style") == "smiley"
    return [{"value": v, "label": localized(labels[v - 1]) if isinstance(labels[v - 1], dict) else str(labels[v - 1]),
             "face": FACES[v] if smiley else ""} for v in VALUES]


def comments(s, step_id: int, participant_id: int | None = None) -> list[Contribution]:
    query = select(Contribution).where(Contribution.step_id == step_id, Contribution.source == "participant",
                                       Contribution.hidden.is_(False))
    if participant_id is not None:
        query = query.where(Contribution.participant_id == participant_id)
    return list(s.scalars(query.order_by(Contribution.id)))


@register
class Scale(voting.VotingActivity):
    key = "scale"
    participant_template = "activities/scale.html"

    def label(self):
        return _l("Rating 1–5")

    def default_config(self) -> dict[str, Any]:
        return {**super().default_config(), "criteria": [], "style": "number", "labels": None, "comments": True}

    def clean_config(self, config):
        config = super().clean_config(config)
        if config["style"] not in ("number", "smiley"):
            raise ValueError("style must be number or smiley")
        if not isinstance(config["comments"], bool):
            raise ValueError("comments must be true or false")
        crit = config["criteria"]
        if not isinstance(crit, list) or len(crit) > 10:
            raise ValueError("criteria must be a list of at most 10")
        for raw in crit:
            if isinstance(raw, dict):
                if not _KEY.match(str(raw.get("key", ""))) or not raw.get("label"):
                    raise ValueError("a criterion needs a key (a-z, 0-9, _) and a label")
            elif not isinstance(raw, str) or not raw.strip():
                raise ValueError("a criterion is a text or {key, label}")
        labels = config["labels"]
        if labels is not None and (not isinstance(labels, list) or len(labels) != 5):
            raise ValueError("labels must be a list of five texts")
        return config

    def criteria(self, step):
        return criteria(step)

    def staff_values(self, step):
        return [(o["value"], f'{o["value"]} {o["label"]}') for o in option_labels(step)]

    def my_state(self, s, step, participant_id):
        mine: dict[int, dict[str, int]] = {}
        for v in voting.my_votes(s, step.id, participant_id):
            mine.setdefault(v.item_id, {})[v.criterion] = v.value
        my_comments = {c.extra.get("item_id"): c.text for c in comments(s, step.id, participant_id)}
        return {"mine": mine, "my_comments": my_comments, "criteria": criteria(step),
                "options": option_labels(step), "field_name": field_name}

    def participant_context(self, s, step, actor):
        context = super().participant_context(s, step, actor)
        if context.get("results"):
            # On a phone the averages are enough.
            context["results"] = {**context["results"], "bars": context["results"]["averages"], "groups": []}
        return context

    def results(self, s, step, *, masked=True):
        counts = tally.step_counts(s, step.id)
        crit = criteria(step)
        by_item: dict[Any, list[dict[str, Any]]] = {}
        for c in comments(s, step.id):
            by_item.setdefault(c.extra.get("item_id"), []).append(
                {"id": c.id, "text": pii.mask(c.text) if masked else c.text})
        items = []
        for item in voting.visible_items(s, step.id):
            rows = []
            for c in crit:
                dist = counts.distribution(item.id, VALUES, c["key"])
                n = sum(dist["total"])
                mean = round(sum(v * k for v, k in zip(VALUES, dist["total"])) / n, 2) if n else None
                rows.append({"key": c["key"], "label": c["label"], "distribution": dist,
                             "count": tally.split(sum(dist["phone"]), sum(dist["staff"])), "mean": mean})
            items.append({**voting.item_json(item, masked=masked), "criteria": rows,
                          "comments": by_item.get(item.id, [])})
        return {"scale": list(VALUES), "labels": [o["label"] for o in option_labels(step)],
                "participants": tally.participants(s, step.id), "items": items}

    def role_rows(self, results, counts, voters):
        rows = []
        for item in results["items"]:
            several = len(item["criteria"]) > 1
            for c in item["criteria"]:
                dist = counts.distribution(item["id"], VALUES, c["key"])["total"]
                n = sum(dist)
                mean = sum(v * k for v, k in zip(VALUES, dist)) / n if n else None
                label = f'{item["text"]} – {c["label"]}' if several and c["label"] else item["text"]
                rows.append((label, f"{mean:.1f} ({n})" if n else "–"))
        return rows

    def role_note(self):
        return _l("Mean on the scale from 1 to 5 (answers)")

    def screen(self, results, step):
        """Each rated item once: with few, its 1–5 distribution (titled with its average); with
        many, the averages side by side (the distributions would not fit on one screen)."""
        options = option_labels(step)
        bars, groups = [], []
        for item in results["items"]:
            for c in item["criteria"]:
                title = f'{item["text"]} – {c["label"]}' if c["label"] else item["text"]
                n = c["count"]["total"]
                mean = f'{c["mean"]:.1f}' if c["mean"] is not None else "–"
                mean_text = str(lazy_ngettext("Average %(mean)s / 5 (%(num)s answer)",
                                              "Average %(mean)s / 5 (%(num)s answers)", n, mean=mean))
                bars.append(tally.bar(title, c["mean"] or 0, 5, mean_text))
                top = max(c["distribution"]["total"] or [0])
                groups.append({"title": title, "note": mean_text, "bars": [
                    tally.bar(f'{o["face"]} {o["value"]} {o["label"]}'.strip(), k, top, str(k))
                    for o, k in zip(options, c["distribution"]["total"])]})
        if len(groups) <= FEW_FOR_DISTRIBUTIONS:
            return {"bars": [], "groups": groups, "averages": bars}
        return {"bars": bars, "groups": [], "averages": bars}

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """This step's result tables and chart in a report (see `dialogue.export.blocks`)."""
        res = step["results"]
        participants_fact(res, blocks)
        labels = [str(x) for x in res.get("labels") or []] or [str(v) for v in res.get("scale", range(1, 6))]
        rows, chart_rows, comments = [], [], []
        for item in res.get("items") or []:
            for c in item.get("criteria") or []:
                name = f"{item['text']} – {c['label']}" if c.get("label") else item["text"]
                count = c["count"]["total"] if is_split(c.get("count")) else c.get("count", 0)
                rows.append([name, *c["distribution"]["total"], count, "" if c.get("mean") is None else c["mean"]])
                chart_rows.append((name, c["distribution"]["total"]))
            comments += [[item["text"], com["text"]] for com in item.get("comments") or []]
        if rows:
            blocks.tables.append(Table(_("Ratings"), [_("Item"), *[f"{i + 1} {label}" for i, label in enumerate(labels)],
                                                      _("Answers"), _("Mean")], rows, key="results"))
        if comments:
            blocks.tables.append(Table(_("Comments"), [_("Item"), _("Comment")], comments, key="comments"))
        blocks.chart = charts.distribution_chart(chart_rows, title=step["title"], scale_labels=labels,
                                                 mean_label=_("mean"), answers_label=_("answers"), ident=chart_ident(step))


@command("rate", roles=PARTICIPANTS_ONLY)
def rate(ctx: CommandContext) -> dict:
    """Rate one item on the step's criteria (1–5 each), with an optional comment; revotes replace."""
    step = voting.voting_step(ctx, "scale")
    item = voting.votable_item(ctx, step)
    ratings = {}
    for c in criteria(step):
        raw = ctx.payload.get(field_name(c["key"]))
        if raw in (None, ""):
            continue
        try:
            ratings[c["key"]] = clean_int(raw, 1, 5)
        except InvalidInput:
            ctx.fail(_l("Choose a number from 1 to 5."))
    comment = ""
    if step.config.get("comments", True):
        comment = clean_text(ctx.payload.get("comment"), COMMENT_MAX, required=False)
    if not ratings and not comment:
        ctx.fail(_l("Choose a number from 1 to 5 first."))
    participant_id = voting.lock_voter(ctx)
    for key, value in ratings.items():
        voting.set_vote(ctx.s, step, item, participant_id, value, criterion=key)
    if comment:
        existing = [c for c in comments(ctx.s, step.id, participant_id) if c.extra.get("item_id") == item.id]
        if existing:
            existing[0].text = comment
            existing[0].pii = bool(pii.find(comment))
        else:
            ctx.s.add(Contribution(dialogue_id=ctx.dialogue.id, step_id=step.id, participant_id=participant_id,
                                   source="participant", author_role=ctx.actor.declared_role, text=comment,
                                   extra={"item_id": item.id}, pii=bool(pii.find(comment))))
    ctx.changed(step, tally=True)
    return {"item_id": item.id, "ratings": ratings, "message": str(_l("Saved. Thank you!"))}
