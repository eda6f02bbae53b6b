"""questions: settings for the newer kinds and keys; answers: grid statement and number

Revision ID: f120000001
Revises: e700000001
Create Date: 2026-12-04 18:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f120000001'
down_revision = 'e700000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('settings', sa.JSON(), server_default='{}', nullable=False)
        )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statement', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('number')
        batch_op.drop_column('statement')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('settings')
