"""theme label figures: phrase label per language, label share, cohesion, mixed, similar_to

Revision ID: 1abe15000050
Revises: b0b11c000030
Create Date: 2026-12-02 08:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1abe15000050'
down_revision = 'b0b11c000030'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('engine_labels', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('label_share', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('cohesion', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('mixed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('similar_to', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_column('similar_to')
        batch_op.drop_column('mixed')
        batch_op.drop_column('cohesion')
        batch_op.drop_column('label_share')
        batch_op.drop_column('engine_labels')
