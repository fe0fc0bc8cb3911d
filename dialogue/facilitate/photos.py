"""Console route for uploaded photos: a dialogue's photos are shown to its staff only."""
from __future__ import annotations

from flask import abort, send_file

from dialogue import db, photos
from dialogue.facilitate import bp
from dialogue.models import Contribution
from dialogue.web.access import login_required, own_dialogue


@bp.get("/d/<int:dialogue_id>/photo/<int:contribution_id>.jpg")
@login_required
def photo(dialogue_id: int, contribution_id: int):
    """The stored (already stripped) photo of a contribution of this dialogue; hidden ones too."""
    dialogue = own_dialogue(dialogue_id)
    row = db.session.get(Contribution, contribution_id)
    if row is None or row.dialogue_id != dialogue.id:
        abort(404)
    path = photos.photo_path((row.extra or {}).get("photo"))
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
