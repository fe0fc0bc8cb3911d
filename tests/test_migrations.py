"""The Alembic migrations build exactly the schema the models describe, and upgrade a
database made by an earlier release with its data intact."""
import shutil
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from dialogue.db import MIGRATIONS, alembic_config, upgrade
from dialogue.models import Base

#: A database written by the 2026-11 release (tools/make_release_db.py), kept as it was made.
RELEASE_2026_11 = Path(__file__).resolve().parent / "data" / "release-2026-11.sqlite3"


def _schema_diff(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    return diff


def test_migration_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    upgrade(url)
    assert _schema_diff(url) == [], "models changed: add an Alembic revision (see README, Development)"


def test_a_database_of_the_previous_release_upgrades_with_its_data(tmp_path):
    path = tmp_path / "release.sqlite3"
    shutil.copy(RELEASE_2026_11, path)
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        assert conn.execute(text("SELECT title, method FROM dialogue")).one() == ("Arki ja työ", "eratauko")
        assert sorted(conn.execute(text("SELECT text FROM contribution")).scalars()) == [
            "Bussit kulkevat harvoin Juvalta", "Kelan päätökset kestää", "Netissä asiointi on vaikeaa"]
        assert conn.execute(text("SELECT count(*) FROM vote")).scalar() == 3
        assert conn.execute(text("SELECT count(*) FROM participant")).scalar() == 3
    engine.dispose()
    assert _schema_diff(url) == []
    assert (MIGRATIONS / "versions").is_dir()
