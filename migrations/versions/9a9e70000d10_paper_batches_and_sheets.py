"""paper: batches of printed sheets, and the sheet a response was typed in from

Revision ID: 9a9e70000d10
Revises: de5c00000110
Create Date: 2026-12-02 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a9e70000d10'
down_revision = 'de5c00000110'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('paper_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('sheets', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_paper_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_paper_batches_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_batches')),
    sa.UniqueConstraint('code', name=op.f('uq_paper_batches_code'))
    )
    with op.batch_alter_table('paper_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_batches_survey_id'), ['survey_id'], unique=False)
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper_sheet', sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_responses_paper_sheet'), ['paper_sheet'])


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_responses_paper_sheet'), type_='unique')
        batch_op.drop_column('paper_sheet')
    with op.batch_alter_table('paper_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_batches_survey_id'))
    op.drop_table('paper_batches')
