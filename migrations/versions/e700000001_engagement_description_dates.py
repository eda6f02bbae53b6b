"""engagements: a description per language, an opening date, and archiving

Revision ID: e700000001
Revises: 0c0a00000130
Create Date: 2026-12-04 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e700000001'
down_revision = '0c0a00000130'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
        batch_op.drop_column('opens_at')
        batch_op.drop_column('description')
