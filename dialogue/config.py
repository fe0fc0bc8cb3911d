"""Settings read from environment variables (OSUVA_*), with embedded defaults.

Everything has a default so that `python app.py` works on a facilitator's laptop
with no other service: SQLite in `instance/`, a generated secret key kept there too.
"""
from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

#: The languages of the interface and of every method's texts, Finnish first (the default).
LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]
#: The municipalities of the employment area a participant or dialogue may name ("other" last).
MUNICIPALITIES = ("Mikkeli", "Hirvensalmi", "Juva", "Kangasniemi", "other")
#: The smallest group of people whose figures are shown on their own (OSUVA_MIN_GROUP_SIZE).
MIN_GROUP_SIZE = 5


def _secret_key(instance: Path) -> str:
    """Return OSUVA_SECRET_KEY, or a key generated once and kept in `instance/`."""
    if os.environ.get("OSUVA_SECRET_KEY"):
        return os.environ["OSUVA_SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def lan_address() -> str:
    """The address other devices on this network reach us at (no packet is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # connect() on UDP only picks the outgoing interface; nothing goes out.
        probe.connect(("10.255.255.255", 1))
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


#: Where `python app.py` notes the port it started on (in the instance folder), so that
#: `flask` commands print addresses on that port when OSUVA_PORT is not set.
PORT_FILE = "port"
DEFAULT_PORT = 5000


def remember_port(instance: Path | str, port: int) -> None:
    """Note the port the server starts on, for the commands that print addresses."""
    instance = Path(instance)
    instance.mkdir(parents=True, exist_ok=True)
    (instance / PORT_FILE).write_text(f"{port}\n")


def last_port(instance: Path) -> int | None:
    """The port the server last started on, or None."""
    try:
        return int((instance / PORT_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


class Config:
    """The application settings; `create_app(overrides)` may replace any of them."""

    def __init__(self) -> None:
        env = os.environ.get
        self.INSTANCE_PATH = Path(env("OSUVA_INSTANCE_PATH", BASE_DIR / "instance"))
        self.SECRET_KEY = _secret_key(self.INSTANCE_PATH)
        self.DATABASE_URL = env("OSUVA_DATABASE_URL", f"sqlite:///{self.INSTANCE_PATH / 'osuva.sqlite3'}")
        self.PUBLIC_URL = env("OSUVA_PUBLIC_URL", "")  # empty: the LAN address and PORT
        self.PORT = int(env("OSUVA_PORT") or last_port(self.INSTANCE_PATH) or DEFAULT_PORT)
        self.ASYNC_MODE = env("OSUVA_ASYNC_MODE", "eventlet")
        self.MESSAGE_QUEUE = env("OSUVA_MESSAGE_QUEUE") or None
        # Redis publish/subscribe ignores the database number in the URL: installations
        # sharing one Redis need channels of their own.
        self.MESSAGE_QUEUE_CHANNEL = env("OSUVA_MESSAGE_QUEUE_CHANNEL", "osuva")
        self.AUTO_MIGRATE = env("OSUVA_AUTO_MIGRATE", "1") == "1"
        self.DB_POOL_SIZE = int(env("OSUVA_DB_POOL_SIZE", "20"))
        # The longest a request waits for a database connection (in arrival order; dbpool.py).
        self.DB_POOL_TIMEOUT = float(env("OSUVA_DB_POOL_TIMEOUT", "10"))
        # FULL: an acknowledged write survives a power cut (NORMAL only a process crash).
        # Socket writes arriving within this many ms share one transaction (eventlet; 0: off).
        self.GROUP_COMMIT_MS = float(env("OSUVA_GROUP_COMMIT_MS", "5"))
        self.SQLITE_SYNCHRONOUS = env("OSUVA_SQLITE_SYNCHRONOUS", "FULL").upper()
        # Flask / extensions
        self.MAX_CONTENT_LENGTH = 64 * 1024  # no form needs more; uploads get their own limit
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = env("OSUVA_SECURE_COOKIES", "0") == "1"
        self.PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 30
        # The cookie is written only when the session changes: refreshed on every response,
        # a stylesheet or icon loaded alongside a language change or a logout could put the
        # older session back (and static files would carry a Set-Cookie).
        self.SESSION_REFRESH_EACH_REQUEST = False
        self.WTF_CSRF_TIME_LIMIT = None  # a dialogue can be open for days
        self.BABEL_DEFAULT_LOCALE = DEFAULT_LANGUAGE
        self.LANGUAGES = LANGUAGES
        self.TALLY_INTERVAL = float(env("OSUVA_TALLY_INTERVAL", "0.3"))
        self.MIN_GROUP_SIZE = int(env("OSUVA_MIN_GROUP_SIZE", str(MIN_GROUP_SIZE)))
        # Folders of one's own methods, besides methods/ (separated like PATH).
        self.METHODS_PATH = [Path(p) for p in env("OSUVA_METHODS_PATH", "").split(os.pathsep) if p]
        # The accessibility statement's feedback channel: an e-mail address or a web address
        # (a form), the organisation that answers, and the day the statement was last checked.
        self.ACCESSIBILITY_CONTACT = env("OSUVA_ACCESSIBILITY_CONTACT", "saavutettavuus@example.fi")
        self.ACCESSIBILITY_ORGANISATION = env("OSUVA_ACCESSIBILITY_ORGANISATION", "")
        self.ACCESSIBILITY_PHONE = env("OSUVA_ACCESSIBILITY_PHONE", "")
        self.ACCESSIBILITY_DATE = env("OSUVA_ACCESSIBILITY_DATE", "2026-11-29")
        self.TESTING = False

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}
