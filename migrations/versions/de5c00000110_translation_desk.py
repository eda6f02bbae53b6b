"""translation desk: translator role's languages and translations beside contributions

Revision ID: de5c00000110
Revises: da5b000000c0
Create Date: 2026-12-02 18:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'de5c00000110'
down_revision = 'da5b000000c0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reads_languages', sa.JSON(), nullable=False, server_default='[]'))
    op.create_table('contribution_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution', sa.String(length=40), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('source_language', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('machine', sa.Boolean(), nullable=False),
    sa.Column('service', sa.String(length=120), nullable=True),
    sa.Column('translator_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_contribution_translations_engagement_id_engagements')),
    sa.ForeignKeyConstraint(['translator_id'], ['users.id'], name=op.f('fk_contribution_translations_translator_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution_translations')),
    sa.UniqueConstraint('contribution', 'language', name=op.f('uq_contribution_translations_contribution_language'))
    )
    with op.batch_alter_table('contribution_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_translations_contribution'), ['contribution'], unique=False)
        batch_op.create_index(batch_op.f('ix_contribution_translations_engagement_id'), ['engagement_id'], unique=False)


def downgrade():
    with op.batch_alter_table('contribution_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_translations_engagement_id'))
        batch_op.drop_index(batch_op.f('ix_contribution_translations_contribution'))
    op.drop_table('contribution_translations')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('reads_languages')
