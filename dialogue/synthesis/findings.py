"""Key findings (keskeiset havainnot): drafted from a dialogue's own data for staff to approve.

`draft_findings(s, dialogue)` reads the report model once and proposes 3–7 short
findings a decision-maker can act on:
- the themes with the most contributions (their count and one or two representative,
  masked quotes) — themes are the dialogue's, not an activity's, so they are drafted here;
- whatever each step's activity finds worth saying (`Activity.key_findings`): the
  priorities voted highest, common ground and clear disagreements on statements, the
  commitments made, what participants said about the dialogue itself.

Every draft says what it rests on (`basis`: the steps, how many people, how many
contributions). The small-group rule holds: a draft resting on fewer people than the
minimum group size (`synthesis.groups`) is not made, so no finding speaks for a handful
of people. Drafts are only proposals: staff edit and approve them (commands/findings.py),
and only approved findings reach a published page or an export.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialogue.models import Contribution, Dialogue, Step
from dialogue.synthesis.groups import large_enough, min_group_size

#: At most this many findings are drafted (the front page must stay one page).
MAX_FINDINGS = 7
#: Themes drafted as findings at most (the rest of the room goes to priorities etc.).
MAX_THEMES = 3
#: Representative quotes per theme.
QUOTES = 2
QUOTE_LENGTH = 160

#: The order of a finding's sources on the front page (what the data says most directly first).
SOURCE_ORDER = ("theme", "priorities", "common_ground", "disagreement", "commitments", "feedback")


@dataclass
class Draft:
    """A proposed finding: its text, what it rests on, and where it came from.

    `source` is one of SOURCE_ORDER; `weight` orders drafts of the same source
    (more people or contributions first); `steps` are the titles of the steps it rests on.
    """
    text: str
    source: str
    steps: list[str] = field(default_factory=list)
    people: int | None = None
    contributions: int | None = None
    weight: float = 0.0

    def basis(self) -> dict[str, Any]:
        """What the finding rests on, as stored on `Finding.basis` and shown to readers."""
        out: dict[str, Any] = {"steps": list(dict.fromkeys(self.steps))}
        if self.people is not None:
            out["people"] = self.people
        if self.contributions is not None:
            out["contributions"] = self.contributions
        return out


def basis_text(basis: dict[str, Any] | None) -> str:
    """A finding's basis for people: "Rests on: step A, step B · 8 people · 5 contributions"."""
    basis = basis or {}
    parts = []
    if basis.get("steps"):
        parts.append(", ".join(quote(t) for t in basis["steps"]))
    if basis.get("people"):
        parts.append(ngettext("%(num)s person", "%(num)s people", basis["people"]))
    if basis.get("contributions"):
        parts.append(ngettext("%(num)s contribution", "%(num)s contributions", basis["contributions"]))
    if basis.get("note"):
        parts.append(basis["note"])
    if not parts:
        return _("Written by staff.")
    return _("Rests on: %(what)s", what=" · ".join(parts))


def quote(text: str) -> str:
    """A text (a contribution, already masked in the report model; a step's title) as a short quote."""
    text = " ".join(text.split())
    if len(text) > QUOTE_LENGTH:
        text = text[: QUOTE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return _("“%(text)s”", text=text)  # quotation marks differ by language (fi, sv: ”…”)


_WORD = re.compile(r"\w{4,}", re.UNICODE)


def representative(texts: list[str], k: int = QUOTES) -> list[str]:
    """The `k` texts that share the most words with the others (the theme's common voice);
    ties go to the text of more typical length, so a one-word or a rambling text is rarely picked."""
    if not texts:
        return []
    words = [set(w.lower() for w in _WORD.findall(t)) for t in texts]
    everywhere = Counter(w for ws in words for w in ws)
    lengths = sorted(len(t) for t in texts)
    median = lengths[len(lengths) // 2]

    def score(i: int) -> tuple:
        shared = sum(everywhere[w] - 1 for w in words[i])
        return (-shared, abs(len(texts[i]) - median), i)
    chosen = sorted(range(len(texts)), key=score)[:k]
    return [texts[i] for i in sorted(chosen)]


def _theme_people(s: Session, dialogue_id: int) -> dict[int, int]:
    """How many people wrote in each theme: distinct participants, plus each text staff entered
    (someone without a phone) as one person. Staff notes are not people's own words."""
    rows = s.execute(select(Contribution.theme_id, Contribution.participant_id, func.count()).where(
        Contribution.dialogue_id == dialogue_id, Contribution.theme_id.is_not(None),
        Contribution.hidden.is_(False), Contribution.private.is_(False),
        Contribution.source.in_(("participant", "staff"))).group_by(
        Contribution.theme_id, Contribution.participant_id)).all()
    people: Counter = Counter()
    for theme_id, participant_id, n in rows:
        people[theme_id] += 1 if participant_id is not None else n
    return dict(people)


def theme_drafts(s: Session, model: dict[str, Any], minimum: int) -> list[Draft]:
    """The themes with the most contributions, each with its count and representative quotes."""
    people = _theme_people(s, model["dialogue"]["id"])
    drafts = []
    for theme in sorted(model["themes"], key=lambda t: (-t["contributions"], t["name"]))[:MAX_THEMES]:
        texts, steps = [], []
        for step in model["steps"]:
            mine = [c["text"] for c in step.get("contributions") or [] if c.get("theme_id") == theme["id"]]
            if mine:
                steps.append(step["title"])
                texts.extend(mine)
        n_people = people.get(theme["id"], 0)
        if not texts or not large_enough(n_people, minimum):
            continue
        quotes = " ".join(quote(t) for t in representative(texts))
        text = ngettext("%(theme)s came up in %(num)s contribution. %(quotes)s",
                        "%(theme)s came up in %(num)s contributions. %(quotes)s",
                        len(texts), theme=theme["name"], quotes=quotes)
        drafts.append(Draft(text.strip(), "theme", steps, n_people, len(texts), weight=len(texts)))
    return drafts


def draft_findings(s: Session, dialogue: Dialogue, *, lang: str | None = None,
                   minimum: int | None = None) -> list[Draft]:
    """3–7 drafted key findings of `dialogue` from its own data, in front-page order
    (fewer when the data says less: nothing is invented), in `lang` (the dialogue's by default)."""
    from dialogue import activities  # late: the activities import Draft from here
    from dialogue.export.report import build_report  # the report model is the one reading of the data
    lang = lang or dialogue.language or "fi"
    minimum = minimum or min_group_size()
    model = build_report(s, dialogue, lang=lang, minimum=minimum)
    rows = {step.id: step for step in s.scalars(select(Step).where(Step.dialogue_id == dialogue.id))}
    with force_locale(lang):
        drafts = theme_drafts(s, model, minimum)
        for step in model["steps"]:
            activity = activities.of_kind(step["kind"])
            drafts.extend(activity.key_findings(s, rows.get(step["id"]), step, minimum))
    # The small-group rule: a finding never speaks for fewer people than the minimum.
    drafts = [d for d in drafts if d.people is None or large_enough(d.people, minimum)]
    order = {source: i for i, source in enumerate(SOURCE_ORDER)}
    drafts.sort(key=lambda d: (order.get(d.source, len(order)), -d.weight))
    return drafts[:MAX_FINDINGS]
