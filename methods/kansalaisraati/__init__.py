"""Kansalaisraati (citizens' jury): its report section, the public statement (julkilausuma).

The question is the dialogue's topic and the commissioning body its organiser; the framing
step says what they promised. The statement lists the jury as groups (the report model's
participation, where the small-group rule of dialogue/synthesis/groups.py has been applied),
the experts heard (the titles of the hearing steps), each recommendation's final text with
its support, accepted amendments and minority statements, and the final approval.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from dialogue import db
from dialogue.actors import RESPONDENT
from dialogue.activities.draft import document, document_step
from dialogue.export import sections as sec
from dialogue.export.blocks import percent
from dialogue.export.report import NOT_GIVEN
from dialogue.export.summary import group_label
from dialogue.methodology import Panel


def _support_text(row: dict[str, Any]) -> str:
    return _("agree %(a)s (%(ap)s), disagree %(d)s (%(dp)s), can't say %(c)s (%(cp)s)",
             a=row["agree"], ap=percent(row["shares"]["agree"]), d=row["disagree"],
             dp=percent(row["shares"]["disagree"]), c=row["cant_say"], cp=percent(row["shares"]["cant_say"]))


def _documents(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The statement's documents: draft steps that hold their own merged sections (not worked by table)."""
    return [s["draft"] for s in sec.of_kind(model, "draft")
            if s.get("draft") and not (s.get("config") or {}).get("by_table")]


def _composition(model: dict[str, Any]) -> list[tuple[str, str]]:
    part = model["participation"]
    facts = [(_("Jury members"), part["count"]), (_("Groups"), sec.group_description(model))]
    places = [g for g in part["by_municipality"]["groups"] if g["group"] != NOT_GIVEN]
    if places:
        facts.append((_("Municipalities"), ", ".join(f"{group_label(g['group'])} {g['count']}"
                                                     for g in places)))
    facts.append((_("Smallest group shown"), part["min_group_size"]))
    return facts


def report_section(model: dict[str, Any]) -> dict[str, Any] | None:
    """The public statement: question, commissioner, jury, experts, recommendations, approval."""
    meta = model["dialogue"]
    framing = next((s for s in model["steps"] if s["kind"] == "info"), None)
    blocks = [sec.section_block(_("The question and who asked it"), facts=[
        (_("Question"), meta.get("topic") or "–"), (_("Commissioned by"), meta.get("organiser") or "–")],
        items=[framing["body"]] if framing and framing.get("body") else None)]
    blocks.append(sec.section_block(_("The jury"), facts=_composition(model)))
    experts = [s["title"] for s in sec.of_kind(model, "questions")]
    blocks.append(sec.section_block(_("Experts heard"), experts, empty=sec.nothing()))
    blocks += sec.questions_by_votes(sec.of_kind(model, "questions"))
    documents = _documents(model)
    if not documents:
        blocks.append(sec.section_block(_("Recommendations"), empty=_("The jury wrote no recommendations.")))
    for doc in documents:
        for row in doc["sections"]:
            if row.get("hidden"):
                continue
            items = []
            for a in row["amendments"]:
                if a["status"] == "accepted" and not a.get("hidden"):
                    items.append(_("Accepted amendment %(n)s: %(text)s", n=a["number"], text=a["text"]))
            for m in row["minority"]:
                if not m.get("hidden"):
                    items.append(_("Minority statement (%(n)s joined): %(text)s", n=m["joined"], text=m["text"]))
            blocks.append(sec.section_block(_("Recommendation %(n)s", n=row["number"]), [row["text"], *items],
                                            facts=[(_("Support"), _support_text(row["support"]))]))
        rows = [[r["number"], r["text"], r["support"]["agree"], r["support"]["disagree"], r["support"]["cant_say"],
                 percent(r["support"]["shares"]["agree"])] for r in doc["sections"] if not r.get("hidden")]
        if rows:
            blocks.append(sec.section_block(_("Support for the recommendations"), table=sec.data_table(
                _("Support for the recommendations"),
                [_("No."), _("Recommendation"), _("Agree"), _("Disagree"), _("Can't say"), _("Agree %")], rows)))
        final = doc["final"]
        blocks.append(sec.section_block(_("Final approval of the statement"),
                                        facts=[(_("Answers"), final["votes"]), (_("Result"), _support_text(final))]
                                        if final["votes"] else None, empty=_("There was no final vote.")))
        blocks.append(sec.section_block(_("Response of the commissioning body"),
                                        [doc["response"]] if doc.get("response") else None,
                                        empty=_("No response has been entered yet.")))
    return {"title": _("Public statement of the citizens' jury"), "blocks": blocks}


def console_panels(dialogue, lang: str) -> list[Panel]:
    """The run view: the commissioning body's response (vastine) to the statement, entered when it comes."""
    statement = [s for s in dialogue.steps if s.kind == "draft" and s.config.get("final_approval")]
    if not statement:
        return []
    doc = document_step(db.session, statement[-1])
    data = document(db.session, doc, masked=True)
    return [Panel("methods/kansalaisraati/response.html",
                  {"step": doc, "response": document(db.session, doc, masked=False)["response"],
                   "sections": [r for r in data["sections"] if not r.get("hidden")]})]


def helper_panels(helper, dialogue, current, lang: str) -> list[Panel]:
    """A responding body's own link (helper kind "respondent"): the statement and the form for
    its response, also after the jury has closed. Other helpers get nothing here."""
    return console_panels(dialogue, lang) if helper.kind == RESPONDENT else []
