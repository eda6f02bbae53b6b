"""engagement schools and groups, with names per language; surveys keep their file's hash

Each engagement's schools and groups are seeded from the choices of its surveys' school and
role questions (the "none" choice means "prefer not to say" and is not a school).

Revision ID: f140000001
Revises: f120000001
Create Date: 2026-12-04 18:45:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f140000001'
down_revision = 'f120000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'engagement_groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('engagement_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('SCHOOL', 'ROLE', name='groupkind', native_enum=False, length=20), nullable=False),
        sa.Column('code', sa.String(length=80), nullable=False),
        sa.Column('name', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('engagement_id', 'kind', 'code'),
    )
    with op.batch_alter_table('engagement_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_groups_engagement_id'), ['engagement_id'], unique=False)
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_hash', sa.String(length=64), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT s.engagement_id, q.maps_to, o.value, o.text FROM options o"
        " JOIN questions q ON q.id = o.question_id JOIN surveys s ON s.id = q.survey_id"
        " WHERE s.engagement_id IS NOT NULL AND q.maps_to IN ('school', 'role')"
        " ORDER BY s.engagement_id, q.maps_to, s.version DESC, o.position"
    )).all()
    groups = sa.table(
        'engagement_groups',
        sa.column('engagement_id', sa.Integer),
        sa.column('kind', sa.String),
        sa.column('code', sa.String),
        sa.column('name', sa.JSON),
        sa.column('position', sa.Integer),
    )
    seen, positions = set(), {}
    for engagement_id, maps_to, value, text in rows:
        if value == 'none' or (engagement_id, maps_to, value) in seen:
            continue
        seen.add((engagement_id, maps_to, value))
        position = positions.get((engagement_id, maps_to), 0)
        positions[(engagement_id, maps_to)] = position + 1
        names = text if isinstance(text, dict) else json.loads(text or '{}')
        connection.execute(
            groups.insert().values(
                engagement_id=engagement_id,
                kind=maps_to.upper(),
                code=value,
                name=names,
                position=position,
            )
        )


def downgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('file_hash')
    with op.batch_alter_table('engagement_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_groups_engagement_id'))
    op.drop_table('engagement_groups')
