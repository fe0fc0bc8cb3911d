"""The project's own reporting over dialogues (ESR+ reach and effect), for a chosen period.

Counts only: dialogues per method, municipality and month; participants (numbers,
never people); the closing survey (`feedback`) as distributions and means per
method and municipality; the most common themes. A feedback group with fewer
answers than the minimum group size is not shown on its own. Dialogues whose raw
data was purged count through the aggregated summary kept for them.

Every dialogue of this Osuva instance counts: the instance is the project's.
"""
from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialogue import methodology
from dialogue.registers import register_summary
from dialogue.activities import feedback as fb
from dialogue.models import Contribution, Dialogue, Participant, Theme
from dialogue.synthesis import charts
from dialogue.synthesis.groups import large_enough, min_group_size

VALUES = 5


def dialogue_day(d: Dialogue) -> dt.date:
    """The day a dialogue counts on: its date, else the day it was made."""
    return d.date or d.created_at.date()


def participants_of(s: Session, d: Dialogue) -> int:
    """How many took part in a dialogue (removed people not counted; a purged one: its summary)."""
    if d.purged_at is not None:
        return int((d.summary or {}).get("participants", 0))
    return s.scalar(select(func.count()).select_from(Participant).where(
        Participant.dialogue_id == d.id, Participant.removed.is_(False))) or 0


def _themes(s: Session, d: Dialogue) -> list[tuple[str, int]]:
    if d.purged_at is not None:
        return [(t["name"], t["contributions"]) for t in (d.summary or {}).get("themes", [])]
    return [(name, n) for name, n in s.execute(
        select(Theme.name, func.count(Contribution.id)).outerjoin(
            Contribution, (Contribution.theme_id == Theme.id) & Contribution.hidden.is_(False))
        .where(Theme.dialogue_id == d.id).group_by(Theme.id))]


def _stats(counts: list[int]) -> dict[str, Any]:
    n = sum(counts)
    mean = round(sum((i + 1) * c for i, c in enumerate(counts)) / n, 2) if n else None
    return {"distribution": counts, "count": n, "mean": mean}


def project_report(s: Session, start: dt.date | None = None, end: dt.date | None = None,
                   minimum: int | None = None, lang: str = "fi") -> dict[str, Any]:
    """The project report for dialogues on days start..end (both included; None: open)."""
    minimum = minimum or min_group_size()
    rows = [d for d in s.scalars(select(Dialogue).where(Dialogue.state != "draft", Dialogue.is_demo.is_(False)).order_by(Dialogue.id))
            if (start is None or dialogue_day(d) >= start) and (end is None or dialogue_day(d) <= end)]
    method_name = {k: m.name(lang) for k, m in methodology.REGISTRY.items()}
    by = {"method": defaultdict(lambda: [0, 0]), "municipality": defaultdict(lambda: [0, 0]),
          "month": defaultdict(lambda: [0, 0])}
    feedback: dict[str, dict[str, dict[str, list[int]]]] = defaultdict(
        lambda: {"all": {"all": [0] * VALUES}, "method": defaultdict(lambda: [0] * VALUES),
                 "municipality": defaultdict(lambda: [0] * VALUES)})
    theme_counts: Counter[str] = Counter()
    theme_dialogues: Counter[str] = Counter()
    theme_forms: dict[str, Counter[str]] = defaultdict(Counter)
    total_people = 0
    for d in rows:
        people = participants_of(s, d)
        total_people += people
        keys = {"method": d.method, "municipality": d.municipality or "", "month": dialogue_day(d).strftime("%Y-%m")}
        for dim, key in keys.items():
            by[dim][key][0] += 1
            by[dim][key][1] += people
        for qkey, counts in fb.answer_counts(s, d).items():
            entry = feedback[qkey]
            for target in (entry["all"]["all"], entry["method"][d.method], entry["municipality"][keys["municipality"]]):
                for i, c in enumerate(counts):
                    target[i] += c
        seen = set()
        for name, n in _themes(s, d):
            norm = " ".join(name.lower().split())
            if not norm:
                continue
            theme_counts[norm] += n
            theme_forms[norm][name.strip()] += 1
            if norm not in seen:
                seen.add(norm)
                theme_dialogues[norm] += 1

    def groups(dim: str, label) -> list[dict[str, Any]]:
        return [{"group": k, "label": label(k), "dialogues": v[0], "participants": v[1]}
                for k, v in sorted(by[dim].items())]

    def fb_groups(table: dict[str, list[int]], label) -> tuple[list[dict[str, Any]], int]:
        shown, left_out = [], 0
        for k, counts in sorted(table.items()):
            stats = _stats(counts)
            if large_enough(stats["count"], minimum):
                shown.append({"group": k, "label": label(k), **stats})
            else:
                left_out += stats["count"]
        return shown, left_out

    labels = fb.questions()
    questions = []
    for qkey in [k for k in labels if k in feedback]:
        entry = feedback[qkey]
        overall = _stats(entry["all"]["all"])
        if not large_enough(overall["count"], minimum):
            continue
        by_method, m_out = fb_groups(entry["method"], lambda k: method_name.get(k, k))
        by_place, p_out = fb_groups(entry["municipality"], lambda k: k or _("Not told"))
        questions.append({"key": qkey, "text": str(labels[qkey]), "overall": overall,
                          "by_method": by_method, "by_municipality": by_place,
                          "left_out": {"by_method": m_out, "by_municipality": p_out}})
    themes = [{"name": theme_forms[k].most_common(1)[0][0], "contributions": n, "dialogues": theme_dialogues[k]}
              for k, n in sorted(theme_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]]
    return {
        "schema": "osuva.project/1",
        "period": {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None},
        "min_group_size": minimum,
        "dialogues": len(rows),
        "participants": total_people,
        "by_method": groups("method", lambda k: method_name.get(k, k)),
        "by_municipality": groups("municipality", lambda k: k or _("Not told")),
        "by_month": groups("month", lambda k: k),
        "feedback": {"scale": [str(x) for x in fb.scale_labels()], "questions": questions},
        "themes": themes,
        # The findings registers' summary: entries first heard in the period, by area and status.
        "register": register_summary(s, start, end, lang),
    }


# -- rendering -----------------------------------------------------------------------

def tables(report: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The project report as captioned tables (the page, the XLSX and the PDF share them)."""
    out = []
    for key, caption, label in (("by_method", _("Dialogues per method"), _("Method")),
                                ("by_municipality", _("Dialogues per municipality"), _("Municipality")),
                                ("by_month", _("Dialogues per month"), _("Month"))):
        out.append((caption, [label, _("Dialogues"), _("Participants")],
                    [[g["label"], g["dialogues"], g["participants"]] for g in report[key]]))
    scale = report["feedback"]["scale"]
    for q in report["feedback"]["questions"]:
        rows = [[_("All"), *q["overall"]["distribution"], q["overall"]["count"], q["overall"]["mean"]]]
        rows += [[g["label"], *g["distribution"], g["count"], g["mean"]] for g in q["by_method"]]
        rows += [[g["label"], *g["distribution"], g["count"], g["mean"]] for g in q["by_municipality"]]
        out.append((_("Closing survey: %(question)s", question=q["text"]),
                    [_("Group"), *[f"{i + 1} {label}" for i, label in enumerate(scale)], _("Answers"), _("Mean")],
                    rows))
    out.append((_("Most common themes"), [_("Theme"), _("Contributions"), _("Dialogues")],
                [[t["name"], t["contributions"], t["dialogues"]] for t in report["themes"]]))
    register = report["register"]
    out.append((_("Findings register: entries by service area"), [_("Service area"), _("Entries")],
                [[a["area"], a["entries"]] for a in register["by_area"]]))
    median = register["median_days_to_first_response"]
    out.append((_("Findings register: entries by status"), [_("Status"), _("Entries")],
                [[st["label"], st["entries"]] for st in register["by_status"]]
                + ([[_("Median days to the first response"), median]] if median is not None else [])))
    return out


def feedback_chart(report: dict[str, Any]) -> charts.Chart | None:
    qs = report["feedback"]["questions"]
    if not qs:
        return None
    return charts.distribution_chart([(q["text"], q["overall"]["distribution"]) for q in qs],
                                     title=_("Closing survey, all dialogues"),
                                     scale_labels=report["feedback"]["scale"], mean_label=_("mean"),
                                     answers_label=_("answers"), ident="project-feedback")


def render_project_document(report: dict[str, Any]) -> str:
    from dialogue.export.html import STYLESHEET
    return render_template("report/project_document.html", report=report, tables=tables(report),
                           chart=feedback_chart(report), stylesheet=STYLESHEET.read_text(encoding="utf-8"))


def render_project_pdf(report: dict[str, Any]) -> bytes:
    from dialogue.export.pdf import html_to_pdf
    return html_to_pdf(render_project_document(report))


def render_project_xlsx(report: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")[:31]
    strong = Font(bold=True)
    period = report["period"]
    for row in ([_("Project report")], [_("From"), period["from"] or ""], [_("To"), period["to"] or ""],
                [_("Dialogues"), report["dialogues"]], [_("Participants"), report["participants"]],
                [_("Smallest group shown"), report["min_group_size"]]):
        ws.append(row)
    ws["A1"].font = strong
    for n, (caption, columns, rows) in enumerate(tables(report), 1):
        sheet = wb.create_sheet(f"{n:02d} {caption}"[:31].replace(":", " ").replace("/", " "))
        sheet.append([caption])
        sheet.append(columns)
        for cell in list(sheet[1]) + list(sheet[2]):
            cell.font = strong
        for row in rows:
            sheet.append(["" if v is None else v for v in row])
        sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse_day(value: str | None) -> dt.date | None:
    """A yyyy-mm-dd date from a form field, or None (empty or not a date)."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None

