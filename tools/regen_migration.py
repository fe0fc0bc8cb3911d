"""Regenerate migrations/versions/0001_initial_schema.py from the models.

Osuva has not been released, so the schema is one initial migration; once a
database exists in the field, add new revisions instead (alembic revision
--autogenerate) and stop using this script.
"""
import pathlib
import sys
import tempfile

from alembic import command

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from dialogue.db import alembic_config  # noqa: E402

VERSIONS = pathlib.Path(__file__).resolve().parent.parent / "migrations" / "versions"

if __name__ == "__main__":
    for old in VERSIONS.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        command.revision(alembic_config(f"sqlite:///{tmp}/empty.db"), message="initial schema",
                         autogenerate=True, rev_id="0001")
