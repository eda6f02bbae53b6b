"""response counts kept in step with every response, filled from existing responses

Revision ID: da5b000000c0
Revises: 0c7a00000e00
Create Date: 2026-12-02 13:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'da5b000000c0'
down_revision = '0c7a00000e00'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('response_counts',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=80), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_response_counts_survey_id_surveys')),
    sa.PrimaryKeyConstraint('survey_id', 'dimension', 'value', name=op.f('pk_response_counts'))
    )
    # Count the responses already stored (the same as `engage counts rebuild`).
    if op.get_bind().dialect.name == 'postgresql':
        day = "to_char(timezone('UTC', submitted_at), 'YYYY-MM-DD')"
    else:
        day = "date(submitted_at)"
    for dimension, column in (
        ('day', day),
        ('language', "coalesce(language, '')"),
        ('role', "coalesce(role, '')"),
        ('school', "coalesce(school, '')"),
    ):
        op.execute(
            "INSERT INTO response_counts (survey_id, dimension, value, count) "
            f"SELECT survey_id, '{dimension}', {column}, count(id) FROM responses "
            f"GROUP BY survey_id, {column}"
        )


def downgrade():
    op.drop_table('response_counts')
