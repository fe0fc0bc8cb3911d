"""Add an Alembic revision for what changed in the models: `python tools/new_migration.py "tables"`.

Every schema change is its own revision (the first release's databases exist in the field):
a scratch SQLite database is brought to the newest revision, the models are compared with
it, and the difference is written as `migrations/versions/NNNN_<message>.py` (numbered on
from the newest). Read the file it wrote before committing: autogenerate misses renames and
SQLite needs batch mode for changes to existing columns (render_as_batch is on).
"""
import pathlib
import re
import sys
import tempfile

from alembic import command

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from dialogue.db import alembic_config, upgrade  # noqa: E402

VERSIONS = pathlib.Path(__file__).resolve().parent.parent / "migrations" / "versions"

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    numbers = [int(m.group(1)) for p in VERSIONS.glob("*.py") if (m := re.match(r"(\d{4})_", p.name))]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        upgrade(url)
        command.revision(alembic_config(url), message=sys.argv[1], autogenerate=True,
                         rev_id=f"{max(numbers, default=0) + 1:04d}")
