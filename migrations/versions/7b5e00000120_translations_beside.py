"""staff preference: desk translations shown beside the original

Revision ID: 7b5e00000120
Revises: 9a9e70000d10
Create Date: 2026-12-03 08:35:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b5e00000120'
down_revision = '9a9e70000d10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('translations_beside', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('translations_beside')
