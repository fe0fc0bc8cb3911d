"""Fixtures: an app on a fresh SQLite database, clients for every role, factories."""
from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest

from dialogue import create_app, db
from dialogue.auth.accounts import create_facilitator
from dialogue.commands.dialogues import create_dialogue
from dialogue.extensions import socketio
from dialogue.models import Base


def pytest_sessionstart(session):
    """Empty the real-browser tests' screenshots (tests/e2e/helpers.py) once per run: stale
    ones from an earlier run would mislead. Only the controller does it, not each xdist worker
    (a worker would delete what the other had already taken)."""
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots", ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite",
                     help="the database under the `app` fixture: sqlite (default) or postgresql "
                          "(a fresh database per test on OSUVA_TEST_DATABASE_URL's server; tests/support/pg.py)")


@pytest.fixture
def database_url(request, tmp_path):
    """The `app` fixture's database: SQLite in tmp_path, or (--db postgresql) a fresh PostgreSQL one."""
    if request.config.getoption("--db") == "postgresql":
        from tests.support.pg import fresh_database
        with fresh_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app(tmp_path, database_url):
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": tmp_path,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "PUBLIC_URL": "http://osuva.test",
        "ASYNC_MODE": "threading",
        "TALLY_INTERVAL": 0,
        "WTF_CSRF_ENABLED": False,
        "AUTO_MIGRATE": False,  # tests/test_migrations.py checks the migration itself
    })
    Base.metadata.create_all(db.engine)
    with app.app_context():
        yield app
    db.session.remove()
    if db.engine is not None:
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def cid() -> str:
    """A fresh client-made write id."""
    return uuid.uuid4().hex


class Factory:
    """Makes accounts, dialogues and logged-in or joined clients."""

    def __init__(self, app):
        self.app = app
        self._n = 0

    def facilitator(self, email=None, password="salasana123"):
        self._n += 1
        return create_facilitator(email or f"ohjaaja{self._n}@example.fi", password)

    def dialogue(self, owner=None, method="ideakierros", title="Testidialogi", lang="fi", **details):
        owner = owner or self.facilitator()
        return create_dialogue(owner, method, title, lang, **details)

    def facilitator_client(self, account, password="salasana123"):
        c = self.app.test_client()
        r = c.post("/login", data={"email": account.email, "password": password})
        assert r.status_code == 302, r.data
        return c

    def participant_client(self, dialogue, **form):
        c = self.app.test_client()
        r = c.post(f"/j/{dialogue.code}", data=form)
        assert r.status_code == 302, r.data
        return c

    def socket(self, http_client, role, dialogue, token=None):
        auth = {"role": role, "dialogue": dialogue.id}
        if token:
            auth["token"] = token
        return socketio.test_client(self.app, flask_test_client=http_client, auth=auth)


@pytest.fixture
def make(app):
    return Factory(app)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
