"""board votes: who recorded a member's vote, and the board's count at its decision

Revision ID: b0a4d0000010
Revises: 20d502775c20
Create Date: 2026-12-02 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b0a4d0000010'
down_revision = '20d502775c20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_votes_recorded_by_id_users'), 'users', ['recorded_by_id'], ['id']
        )

    with op.batch_alter_table('framework_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('board_tally', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('framework_versions', schema=None) as batch_op:
        batch_op.drop_column('board_tally')

    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_votes_recorded_by_id_users'), type_='foreignkey')
        batch_op.drop_column('recorded_by_id')
