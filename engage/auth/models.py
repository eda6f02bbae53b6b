"""Staff accounts. Community members never have accounts."""

import enum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import utcnow

_hasher = PasswordHasher()


class Role(enum.StrEnum):
    FACILITATOR = "facilitator"
    BOARD = "board"
    ADMIN = "admin"
    #: A district interpreter or community liaison: sees the translation desk and nothing else.
    TRANSLATOR = "translator"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(db.String(254), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(db.String(255), nullable=False)
    role: Mapped[Role] = mapped_column(db.Enum(Role, native_enum=False, length=20), nullable=False)
    preferred_language: Mapped[str] = mapped_column(db.String(16), default="en", nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    #: A translator's languages (empty: every language); other roles leave it empty.
    reads_languages = mapped_column(db.JSON, nullable=False, default=list)
    #: show desk translations open beside the original instead of one click away
    translations_beside: Mapped[bool] = mapped_column(default=False, nullable=False)
    #: Bumped on deactivation or password change; sessions carrying an older value end.
    session_version: Mapped[int] = mapped_column(default=1, nullable=False)
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def check_password_of_nobody(password: str) -> bool:
    """Spend the time of a real check, so unknown emails cannot be told apart by timing."""
    try:
        _hasher.verify(_dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        pass
    return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password")
