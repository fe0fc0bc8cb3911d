"""The console's jury lottery (the same draw as `flask jury-lottery`, see dialogue/sortition.py).

The organiser uploads the volunteers' CSV (anonymous ids and attributes only; a file with
names, e-mails or phone numbers is refused), says the jury's size, the quotas and how many
reserves, and gets the jury, the reserves in drawn order, how the jury matches the quotas,
the seed and the method in plain words. Nothing of the file is stored.
"""
from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from dialogue.facilitate import bp
from dialogue.sortition import LotteryError, draw_jury, explain, parse_quota, read_volunteers
from dialogue.sortition_cli import decode_csv
from dialogue.textclean import InvalidInput, clean_int, clean_text
from dialogue.web.access import login_required
from dialogue.web.security import allow_upload

MAX_FILE_BYTES = 1024 * 1024
MAX_SEATS = 1000
QUOTAS_MAX = 2000
SEED_MAX = 100


@bp.route("/lottery", methods=["GET", "POST"])
@login_required
@allow_upload(MAX_FILE_BYTES + 64 * 1024)
def lottery():
    """Draw a citizens' jury from a CSV of volunteers by a stratified lottery."""
    draw, error = None, None
    form = request.form
    if request.method == "POST":
        try:
            draw = _draw(form, request.files.get("volunteers"))
        except (LotteryError, InvalidInput) as exc:
            error = str(exc.message)
    return render_template("facilitate/lottery.html", draw=draw, error=error, form=form,
                           method=[p for p in explain().split("\n\n")]), 400 if error else 200


def _draw(form, upload):
    if upload is None or not upload.filename:
        raise LotteryError(_l("Choose the volunteers' CSV file."))
    raw = upload.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise LotteryError(_l("The file is too large (at most 1 MB)."))
    pool = read_volunteers(decode_csv(raw))
    size = clean_int(form.get("size"), 1, MAX_SEATS)
    reserve = clean_int(form.get("reserve") or 0, 0, MAX_SEATS)
    quotas: dict[str, dict[str, int]] = {}
    for line in clean_text(form.get("quotas"), QUOTAS_MAX, required=False).splitlines():
        if line.strip():
            attribute, seats = parse_quota(line)
            if attribute in quotas:
                raise LotteryError(_l("Give the quotas for %(attribute)s on one line.", attribute=attribute))
            quotas[attribute] = seats
    seed = clean_text(form.get("seed"), SEED_MAX, required=False, multiline=False) or None
    return draw_jury(pool, size, quotas, seed=seed, reserve=reserve)
