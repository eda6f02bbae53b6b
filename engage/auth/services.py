"""Staff account verbs."""

from sqlalchemy import func, select

from ..audit import record_event
from ..extensions import db
from ..models_base import DomainError
from .models import Role, User, check_password_of_nobody

MIN_PASSWORD_LENGTH = 12


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(email: str, password: str, role: Role, preferred_language="en", actor=None) -> User:
    """Create a staff account; raises DomainError if the email is taken or the password short."""
    if find_user_by_email(email) is not None:
        raise DomainError(f"An account for {normalise_email(email)} already exists.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    user = User(email=normalise_email(email), role=Role(role), preferred_language=preferred_language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event(actor, "user.created", user, {"role": str(role)})
    return user


def set_password(user: User, password: str, actor=None) -> User:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    user.set_password(password)
    user.session_version += 1  # sign out every other open session
    record_event(actor, "user.password_changed", user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; unknown emails cost the same time."""
    user = find_user_by_email(email)
    if user is None:
        return check_password_of_nobody(password) or None
    if not user.check_password(password) or not user.active:
        return None
    return user


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: the id carries the session version, so old sessions end."""
    try:
        raw_id, raw_version = user_id.split(":")
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or user.session_version != int(raw_version):
        return None
    return user
