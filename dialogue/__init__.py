"""Osuva: participatory dialogue facilitation.

`create_app(overrides)` builds the Flask app: settings, database, languages,
sockets, blueprints, error handlers and CLI commands.
"""
from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from flask import Flask, render_template
from flask_babel import get_locale, gettext
from jinja2 import ChoiceLoader

from dialogue import activities, commands, db, methodology, placeholders, realtime, tables
from dialogue.commands import group_commit
from dialogue.config import Config, lan_address
from dialogue.extensions import babel, csrf, socketio
from dialogue.web import compress, i18n, logprivacy, ratelimit, security
from dialogue.web.socket_events import App

SOCKET_BUFFER_LIMIT = 64 * 1024


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application; `overrides` replace settings (tests use this)."""
    app = App(__name__, static_folder="../static", template_folder="../templates",
                instance_relative_config=True)
    config = Config().as_dict()
    config.update(overrides or {})
    app.config.update(config)
    if not app.config["PUBLIC_URL"]:
        app.config["PUBLIC_URL"] = f"http://{lan_address()}:{app.config['PORT']}"
    app.instance_path = str(app.config["INSTANCE_PATH"])
    _quiet_access_log()

    if app.config["AUTO_MIGRATE"]:
        db.upgrade(app.config["DATABASE_URL"])
    db.init_app(app)
    i18n.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    security.init_app(app)
    compress.init_app(app)
    methodology.load([methodology.METHODS_DIR, *map(Path, app.config["METHODS_PATH"])])
    app.jinja_loader = ChoiceLoader([app.jinja_loader, methodology.template_loader()])
    # Socket handlers and commands register on import; before socketio.init_app, so that
    # every app the factory builds (tests build many) gets them.
    realtime.load()
    commands.load()
    socketio.init_app(
        app, async_mode=app.config["ASYNC_MODE"], message_queue=app.config["MESSAGE_QUEUE"],
        channel=app.config["MESSAGE_QUEUE_CHANNEL"],
        max_http_buffer_size=SOCKET_BUFFER_LIMIT,
        # None = same origin only: the Origin header must match the Host the page came from.
        cors_allowed_origins=None,
        logger=False, engineio_logger=False)
    app.wsgi_app = security.limit_socket_bodies(app.wsgi_app, SOCKET_BUFFER_LIMIT)
    realtime.init_app(app)
    group_commit.init_app(app)
    ratelimit.reset()

    from dialogue import auth, facilitate, guide, helpers, participate, register, results, screen
    from dialogue.guide.routes import guide_url
    for blueprint in (auth.bp, participate.bp, screen.bp, facilitate.bp, helpers.bp, results.bp, guide.bp,
                      register.bp):
        app.register_blueprint(blueprint)

    from dialogue import backup, cli
    cli.init_app(app)
    backup.init_app(app)
    _register_error_handlers(app)
    app.jinja_env.globals.update(LANGUAGE_NAMES=i18n.LANGUAGE_NAMES, current_lang=lambda: str(get_locale()),
                                 new_client_id=lambda: uuid.uuid4().hex, guide_url=guide_url,
                                 table_words=lambda dialogue: tables.words(dialogue.method),
                                 method_name=lambda key: methodology.get(key).name(str(get_locale()))
                                 if methodology.get(key) else key,
                                 state_name=state_name, kind_name=lambda kind: activities.get(kind).label(),
                                 placeholders_left=placeholders.left_in)
    app.jinja_env.filters["public_text"] = placeholders.strip
    return app


def state_name(state: str) -> str:
    """A dialogue state's name for people."""
    from flask_babel import lazy_gettext as _l
    names = {"draft": _l("Draft"), "open": _l("Open for answers"), "running": _l("Running"),
             "closed": _l("Closed"), "archived": _l("Archived")}
    return str(names.get(state, state))


def _quiet_access_log() -> None:
    # The default request log prints client addresses; participants' IPs are never logged.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logprivacy.install()


def _register_error_handlers(app: Flask) -> None:
    def page(code: int, message: str):
        db.session.rollback()
        return render_template("error.html", code=code, message=message), code

    app.register_error_handler(400, lambda e: page(400, gettext("The request was not valid. Go back and try again.")))
    app.register_error_handler(403, lambda e: page(403, gettext("You do not have access to this page.")))
    app.register_error_handler(404, lambda e: page(404, gettext("This page was not found.")))
    app.register_error_handler(413, lambda e: page(413, gettext("That was too large to send.")))
    app.register_error_handler(429, lambda e: page(429, gettext("Too many tries. Wait a minute and try again.")))
    app.register_error_handler(500, lambda e: page(500, gettext("Something went wrong on the server. Nothing was saved; try again.")))
    from flask_wtf.csrf import CSRFError
    from dialogue.participate.offline import csrf_refused, wants_json

    def csrf_error(e):
        message = gettext("The form had expired. Reload the page and try again.")
        return csrf_refused(message) if wants_json() else page(400, message)
    app.register_error_handler(CSRFError, csrf_error)
