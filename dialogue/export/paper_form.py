"""The paper form of a dialogue: what each step asks someone who takes part without a phone.

The form and the console's entry view (facilitate/printing.py) list the same steps in the
same order, so that staff can type the answers in as they read the form.
"""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from sqlalchemy.orm import Session

from dialogue import activities, placeholders
from dialogue.export.printables import paper_form_pdf
from dialogue.models import Dialogue
from dialogue.realtime.snapshot import step_texts
from dialogue.synthesis import pii


def paper_steps(s: Session, dialogue: Dialogue, lang: str) -> list[dict[str, Any]]:
    """The steps that ask something on paper: step, title, body and questions, in step order."""
    out = []
    for step in dialogue.steps:
        activity = activities.get(step.kind)
        questions = activity.paper_questions(s, step)
        if questions:
            texts = placeholders.public(step_texts(step, lang))
            out.append({"step": step, "activity": activity, "title": texts["title"],
                        "body": pii.mask(texts["body"]), "questions": questions})
    return out


def dialogue_paper_form(s: Session, dialogue: Dialogue) -> bytes | None:
    """The dialogue's paper form as an A4 PDF in its own language; None if no step asks anything."""
    steps = paper_steps(s, dialogue, dialogue.language)
    if not steps:
        return None
    with force_locale(dialogue.language):
        return paper_form_pdf(dialogue.title, dialogue.code, steps)
