"""answer sharing choice and hold reason; reporter address hash

Revision ID: b0b11c000030
Revises: b0a4d0000010
Create Date: 2026-12-02 07:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b0b11c000030'
down_revision = 'b0a4d0000010'
branch_labels = None
depends_on = None


def upgrade():
    # Answers stored before this choice existed were never consented to: they stay private.
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shareable', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('hold_reason', sa.String(length=20), nullable=True))

    with op.batch_alter_table('forum_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_key', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('forum_reports', schema=None) as batch_op:
        batch_op.drop_column('address_key')

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('hold_reason')
        batch_op.drop_column('shareable')
