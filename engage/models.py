"""Imports every area's models so SQLAlchemy and Alembic see all tables."""

from .audit import AuditEvent  # noqa: F401
from .auth.models import User  # noqa: F401
from .engagements.models import Engagement, EngagementTarget, School  # noqa: F401
from .forum.models import AnswerRating, Endorsement, Post, Report, Thread  # noqa: F401
from .surveys.models import Answer, Option, Question, Response, Survey  # noqa: F401
from .review.models import (  # noqa: F401
    AnalysisRun,
    ContributionVector,
    Theme,
    ThemeAssignment,
    ThemeDecision,
)
