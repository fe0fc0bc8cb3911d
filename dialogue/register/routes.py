"""Register routes. Staff pages (/console/registers/...) are for every facilitator account:
the registers are the project's, like project reporting. A responding organisation's page
(/v/<key>) is reachable by its secret link only and shows only the entries addressed to it.

Every write is one transaction (db.write); a resent form changes nothing twice: names are
unique, a new organisation and a response carry the form's client-made id.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dialogue import db, registers
from dialogue.export import register as register_files
from dialogue.export.formats import FORMATS
from dialogue.models import RESPONSE_STATUSES, FindingRegister, RegisterEntry, RegisterResponder
from dialogue.register import bp
from dialogue.textclean import InvalidInput, clean_bool, clean_client_id, clean_int, clean_text
from dialogue.web.access import login_required

EXPORTS = ("xlsx", "csv", "docx", "pdf", "json")


def _lang() -> str:
    return str(get_locale())


def _register(register_id: int) -> FindingRegister:
    register = db.session.get(FindingRegister, register_id)
    if register is None:
        abort(404)
    return register


@bp.route("/console/registers", methods=["GET", "POST"])
@login_required
def index():
    """The registers, and a form to make one."""
    error = None
    if request.method == "POST":
        try:
            name = clean_text(request.form.get("name"), registers.MAX_NAME, multiline=False)
            organisation = clean_text(request.form.get("organisation"), registers.MAX_ORGANISATION,
                                      required=False, multiline=False)
            with db.write() as s:
                register = registers.create_register(s, name, request.form.get("kind", ""), organisation)
            flash(str(_l("The register was made.")), "ok")
            return redirect(url_for(".view", register_id=register.id), code=303)
        except (InvalidInput, registers.RegisterError) as exc:
            error = exc.message
    counts = {r.id: len(registers.entry_views(db.session, r, lang=_lang())) for r in registers.registers(db.session)}
    return render_template("register/index.html", registers=registers.registers(db.session), counts=counts,
                           kinds=[(k, registers.kind_label(k)) for k in registers.KINDS], error=error,
                           form=request.form), 400 if error else 200


def _view(register: FindingRegister, viewer_key: str | None = None):
    filters = registers.Filters.from_args(request.args)
    entries = registers.entry_views(db.session, register, filters, _lang())
    return render_template("register/view.html", register=register, entries=entries, filters=filters,
                           choices=registers.filter_choices(db.session, register, _lang()), exports=EXPORTS,
                           kind_label=registers.kind_label(register.kind), viewer_key=viewer_key)


@bp.get("/console/registers/<int:register_id>")
@login_required
def view(register_id: int):
    """The register's entries with GET filters (no JavaScript needed), sorted by how often heard."""
    return _view(_register(register_id))


@bp.get("/console/registers/<int:register_id>.<fmt>")
@login_required
def download(register_id: int, fmt: str):
    """The register (as filtered) as XLSX, CSV, DOCX, PDF or JSON."""
    return _download(_register(register_id), fmt)


@bp.get("/x/<key>")
def expert_view(key: str):
    """The register read-only, for employment experts through its secret link (no account)."""
    register = registers.register_by_viewer_key(db.session, key)
    if register is None:
        abort(404)
    return _view(register, viewer_key=key)


@bp.get("/x/<key>.<fmt>")
def expert_download(key: str, fmt: str):
    """The register's exports through the experts' read-only link."""
    register = registers.register_by_viewer_key(db.session, key)
    if register is None:
        abort(404)
    return _download(register, fmt)


def _download(register: FindingRegister, fmt: str) -> Response:
    if fmt not in EXPORTS:
        abort(404)
    data = registers.register_json(db.session, register, registers.Filters.from_args(request.args), _lang())
    body = register_files.render(data, fmt)
    name = f"osuva-register-{register.id}.{FORMATS[fmt].extension if fmt != 'csv' else 'csv'}"
    mimetype = "text/csv" if fmt == "csv" else FORMATS[fmt].mimetype
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/console/registers/<int:register_id>/settings", methods=["GET", "POST"])
@login_required
def settings(register_id: int):
    """The register's service areas and the organisations asked to respond (their links)."""
    register = _register(register_id)
    error, shown_link, status = None, None, 200
    if request.method == "POST":
        action = request.form.get("action")
        try:
            with db.write() as s:
                register = s.get(FindingRegister, register_id)
                if action == "areas":
                    register.areas = registers.parse_areas(clean_text(request.form.get("areas"), 4000))
                    message = _l("The service areas were saved.")
                elif action == "add_responder":
                    client_id = clean_client_id(request.form.get("client_id"))
                    name = clean_text(request.form.get("name"), registers.MAX_RESPONDER, multiline=False)
                    if s.scalar(select(RegisterResponder.id).where(RegisterResponder.client_id == client_id)):
                        raise registers.RegisterError(_l("That was already recorded."))
                    responder = RegisterResponder(register_id=register.id, name=name, client_id=client_id)
                    s.add(responder)
                    s.flush()
                    shown_link = (responder.name, registers.new_link(responder))
                    message = _l("The organisation was added. Copy its link now: it is shown only once.")
                elif action == "viewer_link":
                    shown_link = ("", registers.new_viewer_link(register))
                    message = _l("A new read-only link was made; the old one no longer works. Copy it now: "
                                 "it is shown only once.")
                elif action == "new_link":
                    responder = s.get(RegisterResponder, clean_int(request.form.get("responder_id"), 1, 2**31))
                    if responder is None or responder.register_id != register.id:
                        raise registers.RegisterError(_l("This organisation is not one of the register's."))
                    shown_link = (responder.name, registers.new_link(responder))
                    message = _l("A new link was made; the old one no longer works. Copy it now: it is shown only once.")
                else:
                    abort(400)
            flash(str(message), "ok")
            if shown_link is None:
                return redirect(url_for(".settings", register_id=register_id), code=303)
        except (InvalidInput, registers.RegisterError) as exc:
            error, status = exc.message, 400
        register = _register(register_id)
    link = viewer_link = None
    if shown_link and shown_link[0]:
        link = (shown_link[0], url_for(".respond", key=shown_link[1], _external=True))
    elif shown_link:
        viewer_link = url_for(".expert_view", key=shown_link[1], _external=True)
    return render_template("register/settings.html", register=register, error=error, link=link,
                           viewer_link=viewer_link,
                           responders=registers.responders(db.session, register.id),
                           areas_text=registers.areas_text(register, _lang())), status


@bp.route("/console/registers/<int:register_id>/entries/<int:entry_id>", methods=["GET", "POST"])
@login_required
def entry(register_id: int, entry_id: int):
    """One entry: its evidence and response history; staff change its text, area and respondent."""
    register = _register(register_id)
    row = db.session.get(RegisterEntry, entry_id)
    if row is None or row.register_id != register.id:
        abort(404)
    error = None
    if request.method == "POST":
        try:
            text = clean_text(request.form.get("text"), registers.MAX_TEXT)
            area = request.form.get("area", "")
            if area not in registers.area_names(register, _lang()):
                raise registers.RegisterError(_l("Choose one of the register's service areas."))
            responder_id = request.form.get("responder_id") or None
            with db.write() as s:
                e = s.get(RegisterEntry, entry_id)
                if responder_id is not None:
                    responder = s.get(RegisterResponder, clean_int(responder_id, 1, 2**31))
                    if responder is None or responder.register_id != register.id:
                        raise registers.RegisterError(_l("This organisation is not one of the register's."))
                    e.responder_id = responder.id
                else:
                    e.responder_id = None
                e.text, e.area = text, area
            flash(str(_l("The entry was saved.")), "ok")
            return redirect(url_for(".entry", register_id=register.id, entry_id=entry_id), code=303)
        except (InvalidInput, registers.RegisterError) as exc:
            error = exc.message
        row = db.session.get(RegisterEntry, entry_id)
    view = next(v for v in registers.entry_views(db.session, register, lang=_lang()) if v["id"] == row.id)
    return render_template("register/entry.html", register=register, row=row, entry=view, error=error,
                           areas=registers.area_names(register, _lang()),
                           responders=registers.responders(db.session, register.id),
                           max_text=registers.MAX_TEXT), 400 if error else 200


# -- a responding organisation's page: its secret link, no account ------------------------------

@bp.route("/v/<key>", methods=["GET", "POST"])
def respond(key: str):
    """The entries addressed to the organisation, each with a form for a dated status update."""
    responder = registers.responder_by_key(db.session, key)
    if responder is None:
        abort(404)
    error, status = None, 200
    if request.method == "POST":
        try:
            entry_id = clean_int(request.form.get("entry_id"), 1, 2**31)
            client_id = clean_client_id(request.form.get("client_id"))
            text = clean_text(request.form.get("text"), registers.MAX_RESPONSE, required=False)
            reason = clean_text(request.form.get("reason"), registers.MAX_RESPONSE, required=False)
            with db.write() as s:
                registers.respond(s, s.get(RegisterResponder, responder.id), entry_id,
                                  request.form.get("status", ""), text, reason,
                                  clean_bool(request.form.get("public")), client_id)
            flash(str(_l("Your response was saved. Thank you.")), "ok")
            return redirect(url_for(".respond", key=key) + f"#entry-{entry_id}", code=303)
        except (InvalidInput, registers.RegisterError) as exc:
            error, status = exc.message, 400
    register = db.session.get(FindingRegister, responder.register_id)
    entries = [v for v in registers.entry_views(db.session, register, lang=_lang())
               if v["responder_id"] == responder.id]
    return render_template("register/respond.html", responder=responder, register=register, entries=entries,
                           statuses=[(st, registers.status_label(st)) for st in RESPONSE_STATUSES],
                           max_text=registers.MAX_RESPONSE, error=error), status
