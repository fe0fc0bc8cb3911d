"""PostgreSQL for the tests: a fresh, uniquely named database per test.

The PostgreSQL tests run against the server named by `OSUVA_TEST_DATABASE_URL`
(default: the local one, `postgres@127.0.0.1:5432`, as on CI; `.ci/run` starts it).
Each test creates its own database (`CREATE DATABASE osuva_t_<random>`, outside a
transaction) and drops it afterwards, so runs side by side never see each other's
rows. CI has PostgreSQL: a server that cannot be reached fails the test with a
message saying so; it is never skipped.

`python -m pytest --db postgresql` runs the whole suite's `app` fixture on PostgreSQL
too (one fresh database per test; slower, for checking the SQL on both backends).
"""
from __future__ import annotations

import contextlib
import os
import uuid
from typing import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

DEFAULT_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    """The PostgreSQL server the tests use (any database on it; ours are made beside it)."""
    return os.environ.get("OSUVA_TEST_DATABASE_URL") or DEFAULT_URL


def _admin():
    # AUTOCOMMIT: CREATE/DROP DATABASE cannot run inside a transaction block.
    return create_engine(server_url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)


@contextlib.contextmanager
def fresh_database(prefix: str = "osuva_t") -> Iterator[str]:
    """Create an empty database with a unique name; yield its URL; drop it afterwards."""
    url = make_url(server_url())
    if not url.drivername.startswith("postgresql"):
        pytest.fail(f"OSUVA_TEST_DATABASE_URL must be a postgresql URL, not {url.drivername}", pytrace=False)
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = _admin()
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as exc:
        admin.dispose()
        pytest.fail(
            f"PostgreSQL is not reachable at {url.render_as_string(hide_password=True)} ({exc.orig}). "
            "The PostgreSQL tests need a running server: start it (.ci/run does: "
            "pg_ctlcluster --skip-systemctl-redirect <version> main start) or point "
            "OSUVA_TEST_DATABASE_URL at one.", pytrace=False)
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            # FORCE: a server process a test left running must not keep the database alive.
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database for this test."""
    with fresh_database() as url:
        yield url


@pytest.fixture
def pg_app(tmp_path, pg_url):
    """The app on a fresh PostgreSQL database, its schema made by the real migration."""
    from dialogue import create_app, db

    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": tmp_path,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": pg_url,
        "PUBLIC_URL": "http://osuva.test",
        "ASYNC_MODE": "threading",
        "TALLY_INTERVAL": 0,
        "WTF_CSRF_ENABLED": False,
        "AUTO_MIGRATE": True,
    })
    with app.app_context():
        yield app
    db.session.remove()
    if db.engine is not None:
        db.engine.dispose()
