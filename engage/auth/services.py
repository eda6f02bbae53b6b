"""Staff account verbs."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..audit import record_event
from ..extensions import db
from ..ids import db_id
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
        raise DomainError(_l("An account with this email already exists."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("Passwords need at least 12 characters."))
    user = User(
        email=normalise_email(email), role=Role(role), preferred_language=preferred_language
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event(actor, "user.created", user, {"role": str(role)})
    return user


def set_password(user: User, password: str, actor=None) -> User:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("Passwords need at least 12 characters."))
    user.set_password(password)
    user.session_version += 1  # sign out every other open session
    record_event(actor, "user.password_changed", user)
    return user


def end_sessions(user: User) -> User:
    """Sign-out: every cookie carrying the current session version stops working."""
    user.session_version += 1
    record_event(user, "user.signed_out", user)
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
        user = db.session.get(User, db_id(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or user.session_version != int(raw_version):
        return None
    return user


def invite_user(email: str, role: Role, preferred_language: str, actor) -> User:
    """An account with no usable password yet; the admin passes on `invitation_token(user)`."""
    import secrets

    user = create_user(email, secrets.token_urlsafe(32), role, preferred_language, actor=actor)
    record_event(actor, "user.invited", user, {"role": str(role)})
    return user


def change_role(user: User, role: Role, actor) -> User:
    if user.id == getattr(actor, "id", None):
        raise DomainError(_l("You cannot change your own role."))
    before = user.role
    user.role = Role(role)
    user.session_version += 1  # open sessions get the new role's rights at the next sign-in
    record_event(actor, "user.role_changed", user, {"from": str(before), "to": str(role)})
    return user


def set_reads_languages(user: User, codes, actor) -> User:
    """Limit a translator to the languages they read (an empty list: every language)."""
    from ..i18n import KNOWN_LANGUAGES

    codes = sorted({code for code in codes or [] if code})
    unknown = [code for code in codes if code not in KNOWN_LANGUAGES]
    if unknown:
        raise DomainError(_l("Please choose languages from the list."))
    before = list(user.reads_languages or [])
    user.reads_languages = codes
    record_event(actor, "user.reads_languages_changed", user, {"from": before, "to": codes})
    return user


def set_active(user: User, active: bool, actor) -> User:
    """Deactivate (ending every open session at once) or reactivate a staff account."""
    if user.id == getattr(actor, "id", None) and not active:
        raise DomainError(_l("You cannot deactivate your own account."))
    user.active = active
    user.session_version += 1
    record_event(actor, "user.activated" if active else "user.deactivated", user)
    return user


def set_preferred_language(user: User, code: str, actor) -> User:
    user.preferred_language = code
    record_event(actor, "user.language_changed", user, {"language": code})
    return user


def _token_serializer(secret_key: str):
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret_key, salt="engage-set-password")


def invitation_token(user: User, secret_key: str) -> str:
    """A link token to choose a password; it stops working once the password changes."""
    return _token_serializer(secret_key).dumps([user.id, user.session_version])


INVITATION_MAX_AGE = 7 * 24 * 3600


def user_for_invitation(token: str, secret_key: str) -> User | None:
    from itsdangerous import BadSignature

    try:
        user_id, version = _token_serializer(secret_key).loads(token, max_age=INVITATION_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))
