"""response counts: responses per way in (source, outreach tag, language), for the channel table

Revision ID: f160000001
Revises: f130000001
Create Date: 2026-12-04 19:00:00.000000

A data migration: the "channel" cells are counted once from the responses already stored;
from then on every stored response adds to them (engage/review/counts.py). A cell's value is
"<source>|<outreach tag>|<language>", the source as the app names it ("web", "paper", ...),
while the column holds the enum's name ("WEB", ...), hence LOWER.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f160000001'
down_revision = 'f130000001'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        INSERT INTO response_counts (survey_id, dimension, value, count)
        SELECT survey_id, 'channel', cell, COUNT(*)
        FROM (
            SELECT survey_id,
                   LOWER(source) || '|' || COALESCE(channel, '') || '|'
                       || COALESCE(language, '') AS cell
            FROM responses
        ) AS cells
        GROUP BY survey_id, cell
        """
    )


def downgrade():
    op.execute("DELETE FROM response_counts WHERE dimension = 'channel'")
