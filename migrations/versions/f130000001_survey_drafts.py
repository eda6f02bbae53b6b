"""survey drafts edited in the browser, and each version's TOML source

Revision ID: f130000001
Revises: f140000001
Create Date: 2026-12-04 18:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f130000001'
down_revision = 'f140000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'survey_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('engagement_id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('document', sa.JSON(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('based_on_version', sa.Integer(), nullable=True),
        sa.Column('opened_revision', sa.Integer(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_survey_drafts_engagement_id_engagements')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_survey_drafts_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_drafts')),
        sa.UniqueConstraint('slug', name=op.f('uq_survey_drafts_slug')),
    )
    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_drafts_engagement_id'), ['engagement_id'], unique=False)
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_text', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('source_text')
    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_drafts_engagement_id'))
    op.drop_table('survey_drafts')
