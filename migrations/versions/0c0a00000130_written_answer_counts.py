"""response counts: written answers per language, for the translation desk's progress

Revision ID: 0c0a00000130
Revises: 7b5e00000120
Create Date: 2026-12-04 15:00:00.000000

A data migration: the "open_language" cells are counted once from the answers already stored;
from then on every stored response adds to them (engage/review/counts.py).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0c0a00000130'
down_revision = '7b5e00000120'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        INSERT INTO response_counts (survey_id, dimension, value, count)
        SELECT responses.survey_id, 'open_language', COALESCE(responses.language, ''), COUNT(*)
        FROM answers JOIN responses ON responses.id = answers.response_id
        WHERE answers.text IS NOT NULL AND TRIM(answers.text) <> ''
        GROUP BY responses.survey_id, COALESCE(responses.language, '')
        """
    )


def downgrade():
    op.execute("DELETE FROM response_counts WHERE dimension = 'open_language'")
