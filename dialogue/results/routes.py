"""Report routes: the console report and its downloads, step charts, published results
pages, and the project report.

Console routes check that the logged-in facilitator may run the dialogue (404
otherwise, as everywhere in the console). The screen's chart route checks the
screen's secret link and shows only results the screen may show. A published page
is reachable by its secret link only while it is published.
"""
from __future__ import annotations

import datetime as dt
import json

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from sqlalchemy import select

from dialogue import activities, db, links
from dialogue.actors import facilitator_actor, screen_dialogue
from dialogue.commands import publishing  # noqa: F401  (registers publish_results / withdraw_results)
from dialogue.commands.core import dispatch
from dialogue.commands.findings import findings_of
from dialogue.commands.publishing import is_live, publication
from dialogue.export import project
from dialogue.export.content import step_blocks
from dialogue.export.formats import FORMATS, export
from dialogue.export.front import front_page
from dialogue.export.html import report_context
from dialogue.export.report import build_report, step_report
from dialogue.models import Dialogue, Publication, Step
from dialogue.results import bp
from dialogue.synthesis import pii
from dialogue.synthesis.findings import basis_text
from dialogue.web.access import login_required, own_dialogue, own_step
from dialogue.web.forms import flash_ack, payload_from_form


def _download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/console/d/<int:dialogue_id>/report")
@login_required
def report_page(dialogue_id: int):
    """The report in the console (printable: the print stylesheet leaves only the report)."""
    dialogue = own_dialogue(dialogue_id)
    model = build_report(db.session, dialogue)
    # Staff see the drafts too, labelled as drafts; the model (every export) holds only approved ones.
    drafts = [{"text": pii.mask(f.text), "basis": f.basis} for f in findings_of(db.session, dialogue.id)
              if not f.approved]
    with force_locale(model["language"]):
        for d in drafts:
            d["basis_text"] = basis_text(d["basis"])
        context = report_context(model, drafts)
    return render_template("report/page.html", dialogue=dialogue, **context)


@bp.get("/console/d/<int:dialogue_id>/report.<fmt>")
@login_required
def download(dialogue_id: int, fmt: str):
    """The report as a file: json, html, pdf, docx, xlsx or csv (a zip)."""
    if fmt not in FORMATS:
        abort(404)
    dialogue = own_dialogue(dialogue_id)
    body, f, name = export(db.session, dialogue, fmt)
    return _download(body, f.mimetype, name)


def _chart_response(step: Step, lang: str) -> Response:
    chart = step_blocks_for(step, lang).chart
    if chart is None:
        abort(404)
    return Response(chart.svg, mimetype="image/svg+xml")


def step_blocks_for(step: Step, lang: str):
    model = step_report(db.session, step, lang=lang)
    with force_locale(lang):
        return step_blocks(model)


@bp.get("/console/d/<int:dialogue_id>/chart/<int:step_id>.svg")
@login_required
def staff_chart(dialogue_id: int, step_id: int):
    """A step's chart for the console (the same SVG as in every report)."""
    _dialogue, step = own_step(dialogue_id, step_id)
    return _chart_response(step, str(get_locale()))


@bp.get("/s/<token>/chart/<int:step_id>.svg")
def screen_chart(token: str, step_id: int):
    """A step's chart for the projector, if the screen may show its results now."""
    dialogue = screen_dialogue(token)
    step = db.session.get(Step, step_id) if dialogue is not None else None
    if step is None or step.dialogue_id != dialogue.id:
        abort(404)
    hidden = step.config.get("hide_results", False) and not step.revealed
    if activities.get(step.kind).collects_contributions:
        hidden = hidden or not step.config.get("wall", True)
    if hidden:
        abort(404)
    return _chart_response(step, str(get_locale()))


# -- published results -----------------------------------------------------------

@bp.route("/console/d/<int:dialogue_id>/publish", methods=["GET", "POST"])
@login_required
def publish_page(dialogue_id: int):
    """Publish the results page (secret link, public by choice), update it, or withdraw it."""
    dialogue = own_dialogue(dialogue_id)
    if request.method == "POST":
        payload = payload_from_form(request.form)
        action = payload.pop("action", "")
        if action not in ("publish_results", "withdraw_results"):
            abort(400)
        flash_ack(dispatch(facilitator_actor(dialogue), action, payload))
        return redirect(url_for(".publish_page", dialogue_id=dialogue.id), code=303)
    pub = publication(db.session, dialogue.id)
    return render_template("report/publish.html", dialogue=dialogue, pub=pub, live=is_live(pub))


def _published_context(dialogue: Dialogue, pub: Publication) -> dict:
    lang = str(get_locale())
    model = build_report(db.session, dialogue, lang=lang)
    with force_locale(lang):
        steps = [(step, step_blocks(step)) for step in model["steps"]]
        front = front_page(model)
    # "You said – we did": the public responses to the register entries its approved findings went to.
    from dialogue.registers import published_responses
    return {"model": model, "pub": pub, "steps": steps, "front": front,
            "we_did": published_responses(db.session, dialogue.id)}


@bp.get("/r/<key>")
def published(key: str):
    """A published results page: what was heard, for participants and decision-makers."""
    pub = links.find(db.session, Publication, Publication.token, links.PUBLICATION, key)
    if not is_live(pub):
        abort(404)
    dialogue = db.session.get(Dialogue, pub.dialogue_id)
    from dialogue.export.blocks import compact
    from dialogue.export.report import contribution_groups
    from dialogue.export.summary import group_label, role_label
    return render_template("report/published.html", groups=contribution_groups, role_label=role_label,
                           group_label=group_label, compact=compact, **_published_context(dialogue, pub))


@bp.get("/r/")
def public_list():
    """Results that their facilitators chose to list publicly."""
    rows = db.session.execute(select(Publication, Dialogue).join(Dialogue, Dialogue.id == Publication.dialogue_id)
                              .where(Publication.public.is_(True), Publication.withdrawn_at.is_(None))
                              .order_by(Publication.published_at.desc())).all()
    return render_template("report/public_list.html", rows=rows)


# -- the project's reporting over dialogues --------------------------------------------

def _period() -> tuple[dt.date | None, dt.date | None]:
    return project.parse_day(request.args.get("from")), project.parse_day(request.args.get("to"))


@bp.get("/console/project")
@login_required
def project_page():
    """The project's reach and effect over a chosen period (counts only)."""
    start, end = _period()
    report = project.project_report(db.session, start, end, lang=str(get_locale()))
    return render_template("report/project.html", report=report, tables=project.tables(report),
                           chart=project.feedback_chart(report), start=start, end=end)


@bp.get("/console/project.<fmt>")
@login_required
def project_download(fmt: str):
    """The project report as XLSX, PDF or JSON."""
    if fmt not in ("xlsx", "pdf", "json"):
        abort(404)
    start, end = _period()
    report = project.project_report(db.session, start, end, lang=str(get_locale()))
    if fmt == "json":
        body, mimetype = json.dumps(report, ensure_ascii=False, indent=2).encode(), FORMATS["json"].mimetype
    elif fmt == "xlsx":
        body, mimetype = project.render_project_xlsx(report), FORMATS["xlsx"].mimetype
    else:
        body, mimetype = project.render_project_pdf(report), FORMATS["pdf"].mimetype
    name = f"osuva-project-{start or 'start'}-{end or 'now'}.{fmt}"
    return _download(body, mimetype, name)

