"""outreach: channel tag on responses, short links

Revision ID: 0c7a00000e00
Revises: a071f1000080
Create Date: 2026-12-02 13:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0c7a00000e00'
down_revision = 'a071f1000080'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('short_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('survey_slug', sa.String(length=80), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_short_links')),
    sa.UniqueConstraint('code', name=op.f('uq_short_links_code')),
    sa.UniqueConstraint('survey_slug', 'language', 'channel', name=op.f('uq_short_links_survey_slug_language_channel'))
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=24), nullable=True))
        batch_op.create_index(batch_op.f('ix_responses_channel'), ['channel'], unique=False)


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responses_channel'))
        batch_op.drop_column('channel')
    op.drop_table('short_links')
