"""Turning HTML form posts into command payloads, and answering them."""
from __future__ import annotations

from typing import Any

from flask import flash
from werkzeug.datastructures import MultiDict


def payload_from_form(form: MultiDict) -> dict[str, Any]:
    """A form post as the same payload a socket event carries (lists for repeated keys)."""
    payload: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        values = form.getlist(key)
        if key.endswith("[]"):
            payload[key[:-2]] = values
        else:
            payload[key] = values[0] if len(values) == 1 else values
    return payload


def add_upload(payload: dict[str, Any], files: MultiDict) -> dict[str, Any]:
    """Put a form's chosen photo (field `photo`) in the payload as bytes; a command checks it
    (dialogue.photos). A file field left empty sends nothing."""
    upload = files.get("photo")
    if upload is not None and upload.filename:
        payload["photo"] = upload.read()
    else:
        payload.pop("photo", None)
    return payload


def flash_ack(ack: dict[str, Any]) -> None:
    """Show a command's answer on the next page: its message, or its error."""
    if ack.get("ok"):
        if ack.get("message"):
            flash(ack["message"], "ok")
    else:
        flash(ack.get("error", ""), "error")
