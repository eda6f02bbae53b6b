"""Imports every area's models so SQLAlchemy and Alembic see all tables."""

from .audit import AuditEvent  # noqa: F401
from .auth.models import User  # noqa: F401
from .desk.models import Translation  # noqa: F401
from .editor.models import SurveyDraft  # noqa: F401
from .engagements.models import (  # noqa: F401
    Engagement,
    EngagementGroup,
    EngagementTarget,
    School,
)
from .forum.models import AnswerRating, Endorsement, Post, Report, Thread  # noqa: F401
from .framework.models import (  # noqa: F401
    BoardComment,
    Competency,
    DismissedSuggestion,
    Evidence,
    Framework,
    FrameworkVersion,
    PublicComment,
    Vote,
)
from .notifications.models import NotificationSetting, OutboundMail  # noqa: F401
from .outreach.models import ShortLink  # noqa: F401
from .paper.models import PaperBatch  # noqa: F401
from .review.counts import ResponseCount  # noqa: F401
from .review.models import (  # noqa: F401
    AnalysisRun,
    ContributionVector,
    Theme,
    ThemeAssignment,
    ThemeDecision,
)
from .surveys.models import Answer, Option, Question, Response, Survey  # noqa: F401
