"""Facilitator accounts: creation and password checks (hashed with werkzeug's scrypt)."""
from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from dialogue import db
from dialogue.models import Facilitator

# A hash to compare against when the e-mail is unknown, so that timing does not
# tell which addresses have accounts.
_DUMMY_HASH = generate_password_hash("not a password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


#: The shortest password an account may have.
PASSWORD_MIN_LENGTH = 8


def create_facilitator(email: str, password: str) -> Facilitator:
    """Create an account; raise ValueError if the e-mail is taken or the password short."""
    email = normalise_email(email)
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValueError(f"the password must have at least {PASSWORD_MIN_LENGTH} characters")
    with db.write() as s:
        if s.scalar(select(Facilitator).where(Facilitator.email == email)):
            raise ValueError(f"{email} already has an account")
        account = Facilitator(email=email, password_hash=generate_password_hash(password))
        s.add(account)
    return account


def authenticate(email: str, password: str) -> Facilitator | None:
    account = db.session.scalar(select(Facilitator).where(Facilitator.email == normalise_email(email)))
    if account is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return account if check_password_hash(account.password_hash, password) else None


def by_email(email: str) -> Facilitator | None:
    return db.session.scalar(select(Facilitator).where(Facilitator.email == normalise_email(email)))
