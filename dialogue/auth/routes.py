"""Login and logout for facilitators; login attempts are limited per browser."""
from __future__ import annotations

import time

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from dialogue.auth import bp
from dialogue.auth.accounts import authenticate, normalise_email
from dialogue.auth.forms import LoginForm
from dialogue.web import ratelimit

LOGIN_LIMIT = 5
LOGIN_WINDOW = 300


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        recent = [t for t in session.get("failed_logins", []) if t > time.time() - LOGIN_WINDOW]
        # Limited per browser, and on the server per address and per account (cookies can be dropped).
        account_key = ratelimit.private_key("account", normalise_email(form.email.data))
        if (len(recent) >= LOGIN_LIMIT or ratelimit.FAILED_LOGINS_BY_ADDRESS.blocked(ratelimit.client_key())
                or ratelimit.FAILED_LOGINS_BY_ACCOUNT.blocked(account_key)):
            return render_template("auth/login.html", form=form,
                                   error=_("Too many tries. Wait a few minutes and try again.")), 429
        account = authenticate(form.email.data, form.password.data)
        if account is not None:
            session.pop("failed_logins", None)
            ratelimit.FAILED_LOGINS_BY_ACCOUNT.clear(account_key)
            session["fid"] = account.id
            session.permanent = True
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("facilitate.dashboard")
            return redirect(target)
        session["failed_logins"] = recent + [time.time()]
        ratelimit.FAILED_LOGINS_BY_ADDRESS.failed(ratelimit.client_key())
        ratelimit.FAILED_LOGINS_BY_ACCOUNT.failed(account_key)
        error = _("The e-mail or the password is wrong.")
    elif form.errors:
        error = next(iter(form.errors.values()))[0]
    return render_template("auth/login.html", form=form, error=error), 400 if error else 200


@bp.post("/logout")
def logout():
    session.pop("fid", None)
    return redirect(url_for("participate.home"))
