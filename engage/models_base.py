"""Small helpers shared by every area's models."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


class DomainError(Exception):
    """An action the current state does not allow; `errors.py` shows it as a 409 page."""
